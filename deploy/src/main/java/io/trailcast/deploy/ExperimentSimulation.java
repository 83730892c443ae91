package io.trailcast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.experiments.Bandit;
import io.trailcast.aggregate.experiments.ExperimentArms;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Experiment;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.Store;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.simulator.ExperimentVisitors;
import io.trailcast.stream.StreamJob;
import io.trailcast.stream.StreamSource;
import io.trailcast.stream.serve.CassandraServeData;
import io.trailcast.stream.serve.ModelWatch;
import io.trailcast.stream.serve.ScoreServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * The closed loop of a landing-page experiment (docs/experiments.md): simulated visitors arrive in rounds; for each
 * one the site asks {@code serve} (over HTTP) which variant to show, the visitor lands on it and bounces with that
 * variant's true probability; each round's lines reach the stream (a landing directory), which ends sessions as its
 * watermark passes them and adds what they earned to the variants' arms, from which {@code serve} reweighs the
 * next visitors. At the end the batch aggregate reruns the days and its arms are compared with the stream's.
 */
final class ExperimentSimulation {
  /** Where the simulated traffic starts: a fixed day, so that runs are comparable. */
  static final Instant START = LocalDate.of(2026, 3, 2).atTime(8, 0).toInstant(ZoneOffset.UTC);
  /** Simulated time between two visitors' arrivals. */
  static final long ARRIVAL_GAP_MS = 6_000;
  /** How often serve recomputes the weights: shorter than a round takes. */
  static final Duration REFRESH = Duration.ofMillis(200);

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A run's settings.
   *
   * @param bounce each variant's true bounce probability
   * @param round visitors between two looks of the stream at the landing directory
   */
  record Config(double[] bounce, int visitors, ExperimentDefinitions.Policy policy, long seed, int round,
      Path workDir) {
  }

  /** One variant's outcome: its true and found reward rates, its traffic, its posterior and final weight. */
  record VariantResult(String variant, String url, double trueRate, long visitors, double share,
      double secondHalfShare, long sessions, long rewards, double foundRate, double low, double high,
      double probabilityBest, double weight) {
  }

  /**
   * A run's outcome: per variant, the cumulative (expected) regret against always showing the best variant, the
   * uniform split's expected regret, whether the batch rerun gave the stream's arms, the files written.
   */
  record Result(String experiment, ExperimentDefinitions.Policy policy, int visitors, int rounds,
      List<VariantResult> variants, double regret, double uniformRegret, boolean batchEqualsStream,
      String batchDifference, Path siteConfig, Path truth, long millis, double assignP50Ms, double assignP99Ms) {
  }

  private ExperimentSimulation() {
  }

  static Result run(SparkSession spark, Store store, String salt, Config c, Consumer<String> progress)
      throws IOException, InterruptedException {
    long began = System.currentTimeMillis();
    int k = c.bounce().length;
    String name = "sim-" + c.policy().key() + "-" + Long.toString(began, 36);
    Path definitions = c.workDir().resolve("experiments.yaml");
    Files.createDirectories(c.workDir());
    StringBuilder yaml = new StringBuilder("experiments:\n  - name: " + name + "\n    variants:\n");
    for (int i = 0; i < k; i++) {
      // The run's name in the URL: sessions of an earlier run in the same keyspace land elsewhere.
      yaml.append("      - {id: v").append(i + 1).append(", url: \"/?run=").append(name).append("&variant=")
          .append(i + 1).append("\"}\n");
    }
    yaml.append("    reward: not_bounced\n    policy: ").append(c.policy().key()).append('\n');
    Files.writeString(definitions, yaml.toString());
    // The site's config as a user writes one: the shipped defaults naming this run's experiments file.
    Path siteFile = c.workDir().resolve("site.yaml");
    try (var defaults = SiteConfig.class.getResourceAsStream("default-site.yaml")) {
      Files.writeString(siteFile, "# The simulated site of `experiments simulate`: the shipped defaults and this run's "
          + "experiment.\n" + new String(defaults.readAllBytes(), StandardCharsets.UTF_8)
          .replace("site: default", "site: trailmag") + "\nexperiments: experiments.yaml\n");
    }
    SiteConfig site = SiteConfig.load(siteFile);
    ExperimentDefinitions experiments = ExperimentDefinitions.of(site);
    Experiment experiment = experiments.named(name);

    Path incoming = Files.createDirectories(c.workDir().resolve("incoming"));
    Path staging = Files.createDirectories(c.workDir().resolve("staging"));
    StreamJob.Options options = StreamJob.Options.drain(StreamSource.parse("dir:" + incoming), site, salt,
        c.workDir().resolve("checkpoint").toString()).live(Duration.ofDays(1), Duration.ofMillis(100));
    FilesTaken taken = new FilesTaken();
    spark.streams().addListener(taken);
    CompletableFuture<StreamJob.Result> streaming = new CompletableFuture<>();
    Thread streamThread = new Thread(() -> {
      try {
        streaming.complete(StreamJob.run(spark, store, options));
      } catch (Throwable t) {
        streaming.completeExceptionally(t);
      }
    }, "experiments-simulate-stream");
    streamThread.setDaemon(true);
    streamThread.start();

    ModelWatch models = new ModelWatch(store.cql(), ModelWatch.sparkLoader());
    double best = 0;
    for (double b : c.bounce()) {
      best = Math.max(best, 1 - b);
    }
    double meanRate = 0;
    for (double b : c.bounce()) {
      meanRate += (1 - b) / k;
    }
    List<ExperimentVisitors.Visit> visits = new ArrayList<>();
    double regret = 0;
    long[] shown = new long[k];
    long[] latencies = new long[c.visitors()];
    long[] shownSecondHalf = new long[k];
    Random random = new Random(c.seed());
    int rounds = 0;
    StreamingQuery query = null;
    try (ScoreServer server = ScoreServer.start(new CassandraServeData(store.cql(), store.target().keyspace(), site,
        models, salt, REFRESH), ScoreServer.options("127.0.0.1", 0))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + server.port() + "/v1/experiments/" + name + "/variant?user=";
      query = awaitQuery(spark, streaming, taken);
      progress.accept(String.format(Locale.ROOT, "the stream runs (%.1f s)", seconds(began)));
      for (int from = 0; from < c.visitors(); from += c.round()) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < Math.min(c.visitors(), from + c.round()); i++) {
          String visitor = name + "-visitor-" + i;
          long asked = System.nanoTime();
          JsonNode answer = ask(http, base + URLEncoder.encode(visitor, StandardCharsets.UTF_8));
          latencies[i] = System.nanoTime() - asked;
          int v = Integer.parseInt(answer.get("variant").asText().substring(1)) - 1;
          ExperimentVisitors.Visit visit = ExperimentVisitors.visit(visitor, i, v, answer.get("url").asText(),
              c.bounce()[v], START.toEpochMilli() + i * ARRIVAL_GAP_MS, random);
          visits.add(visit);
          lines.addAll(visit.lines());
          regret += best - (1 - c.bounce()[v]);
          shown[v]++;
          if (i >= c.visitors() / 2) {
            shownSecondHalf[v]++;
          }
        }
        deliver(incoming, staging, "round-" + String.format(Locale.ROOT, "%05d", rounds), lines, query, streaming,
            taken, rounds + 1);
        rounds++;
        // The weights serve gives the next round are those of the sessions ended so far.
        Thread.sleep(REFRESH.toMillis() + 50);
        if (rounds % 10 == 0 || from + c.round() >= c.visitors()) {
          progress.accept(String.format(Locale.ROOT, "%,d of %,d visitors, regret %.1f (%.1f s)",
              Math.min(c.visitors(), from + c.round()), c.visitors(), regret, seconds(began)));
        }
      }
      // A last visitor three hours on moves the watermark past every session: they all end.
      long last = START.toEpochMilli() + (long) c.visitors() * ARRIVAL_GAP_MS;
      deliver(incoming, staging, "flush", ExperimentVisitors.visit(name + "-clock", c.visitors(), 0, "/flush", 1.0,
          last + Duration.ofHours(3).toMillis(), new Random(0)).lines(), query, streaming, taken, rounds + 1);
      awaitEnded(query, store, experiment, c.visitors(), streaming);
      progress.accept(String.format(Locale.ROOT, "every session ended and counted (%.1f s)", seconds(began)));
    } finally {
      // The stream's query stops (only this one: a test JVM's session may run others); its run then returns as at
      // the end of its time.
      if (query != null) {
        try {
          query.stop();
        } catch (java.util.concurrent.TimeoutException e) {
          throw new IllegalStateException("the stream did not stop: " + e.getMessage(), e);
        }
      }
      models.close();
      spark.streams().removeListener(taken);
    }
    try {
      streaming.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the stream failed: " + e.getCause().getMessage(), e.getCause());
    }
    List<Bandit.Arm> live = ExperimentArms.arms(store.cql(), store.target().keyspace(), experiment);

    // The batch aggregate over the same days: its arms replace the stream's and must equal them.
    LocalDate first = START.atZone(site.zone()).toLocalDate();
    LocalDate lastDay = Instant.ofEpochMilli(START.toEpochMilli() + (long) c.visitors() * ARRIVAL_GAP_MS
        + Duration.ofHours(4).toMillis()).atZone(site.zone()).toLocalDate();
    AggregateJob.run(spark, store, first, lastDay, SessionRules.of(site), experiments);
    progress.accept(String.format(Locale.ROOT, "the batch aggregate reran %s..%s (%.1f s)", first, lastDay,
        seconds(began)));
    List<Bandit.Arm> batch = ExperimentArms.arms(store.cql(), store.target().keyspace(), experiment);

    ExperimentsCommand.Figures figures = ExperimentsCommand.figures(store.cql(), store.target().keyspace(),
        experiment);
    List<VariantResult> variants = new ArrayList<>();
    long secondHalf = c.visitors() - c.visitors() / 2;
    for (int i = 0; i < k; i++) {
      ExperimentsCommand.VariantFigures f = figures.variants().get(i);
      variants.add(new VariantResult(f.variant(), f.url(), 1 - c.bounce()[i], shown[i],
          (double) shown[i] / c.visitors(), secondHalf == 0 ? 0 : (double) shownSecondHalf[i] / secondHalf,
          f.sessions(), f.rewards(), f.rate(), f.low(), f.high(), f.probabilityBest(), f.weight()));
    }
    Path truth = c.workDir().resolve("truth/visitors.csv");
    ExperimentVisitors.writeTruth(truth, visits, experiment.variants().stream().map(ExperimentDefinitions.Variant::id)
        .toList());
    return new Result(name, c.policy(), c.visitors(), rounds, variants, regret, c.visitors() * (best - meanRate),
        batch.equals(live), batch.equals(live) ? null : "stream " + live + ", batch " + batch, siteFile, truth,
        System.currentTimeMillis() - began, percentileMs(latencies, 0.50), percentileMs(latencies, 0.99));
  }

  /** The {@code q} quantile of nanosecond latencies, in milliseconds (nearest rank). */
  static double percentileMs(long[] nanos, double q) {
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private static double seconds(long since) {
    return (System.currentTimeMillis() - since) / 1000.0;
  }

  /** A JSON answer of serve, or a failure naming its status and body. */
  private static JsonNode ask(HttpClient http, String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("serve answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** The stream's query, once it runs (or a failure if the stream failed to start). */
  private static StreamingQuery awaitQuery(SparkSession spark, CompletableFuture<StreamJob.Result> streaming,
      FilesTaken taken) throws InterruptedException {
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(3).toMillis();
    while (true) {
      java.util.UUID id = taken.query;
      StreamingQuery query = id == null ? null : spark.streams().get(id);
      if (query != null) {
        return query;
      }
      failIfDone(streaming);
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the stream did not start within 3 minutes");
      }
      Thread.sleep(50);
    }
  }

  /**
   * Moves a round's lines into the landing directory whole, then waits until the stream has taken them in (its
   * {@code files}-th file) and has run the micro-batches that follow from them (sessions the new watermark ends).
   */
  private static void deliver(Path incoming, Path staging, String name, List<String> lines, StreamingQuery live,
      CompletableFuture<StreamJob.Result> streaming, FilesTaken taken, long files) throws IOException {
    List<String> sorted = new ArrayList<>(lines);
    sorted.sort(Comparator.comparing(ExperimentSimulation::timestamp));
    Path file = staging.resolve(name + ".jsonl");
    Files.write(file, sorted, StandardCharsets.UTF_8);
    Files.move(file, incoming.resolve(name + ".jsonl"), StandardCopyOption.ATOMIC_MOVE);
    // Waiting for the query to find no new data is not enough: a trigger that listed the directory just before
    // the file landed would end that wait with the file still unread.
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
    while (taken.files.get() < files) {
      failIfDone(streaming);
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the stream did not take " + name + " in within 2 minutes");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    live.processAllAvailable();
  }

  /**
   * The simulation's query (the first one named {@code live} to start once the listener is added) and the files it
   * has read so far (a file is one input row of the landing directory's source).
   */
  private static final class FilesTaken extends org.apache.spark.sql.streaming.StreamingQueryListener {
    final java.util.concurrent.atomic.AtomicLong files = new java.util.concurrent.atomic.AtomicLong();
    volatile java.util.UUID query;

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
      if (query == null && "live".equals(event.name())) {
        query = event.id();
      }
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      if (event.progress().id().equals(query)) {
        files.addAndGet(event.progress().numInputRows());
      }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }
  }

  /** The ts field of a line this class wrote (ISO instants sort as text). */
  private static String timestamp(String line) {
    int at = line.indexOf("\"ts\":\"") + 6;
    return line.substring(at, line.indexOf('"', at));
  }

  /** Until the stream has counted every visitor's session, or a minute has passed (then says how many it has). */
  private static void awaitEnded(StreamingQuery live, Store store, Experiment experiment, int visitors,
      CompletableFuture<StreamJob.Result> streaming) {
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(1).toMillis();
    long sessions = 0;
    while (System.currentTimeMillis() < deadline) {
      failIfDone(streaming);
      live.processAllAvailable();
      sessions = ExperimentArms.arms(store.cql(), store.target().keyspace(), experiment).stream()
          .mapToLong(Bandit.Arm::sessions).sum();
      if (sessions >= visitors) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException("the stream ended " + sessions + " of " + visitors + " visitors' sessions within "
        + "a minute of the last round");
  }

  private static void failIfDone(CompletableFuture<StreamJob.Result> streaming) {
    if (streaming.isCompletedExceptionally()) {
      try {
        streaming.join();
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw new IllegalStateException("the stream stopped: " + cause.getMessage(), cause);
      }
    }
    if (streaming.isDone()) {
      throw new IllegalStateException("the stream stopped before the simulation ended");
    }
  }
}
