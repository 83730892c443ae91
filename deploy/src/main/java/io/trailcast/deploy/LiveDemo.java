package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.TrailcastHome;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.kafka.EmbeddedKafka;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.ingest.EventDays;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.stream.Collector;
import io.trailcast.stream.LiveMetrics;
import io.trailcast.stream.StreamJob;
import io.trailcast.stream.StreamSource;
import io.trailcast.stream.serve.CassandraServeData;
import io.trailcast.stream.serve.ModelWatch;
import io.trailcast.stream.serve.ScoreServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * The demo's live part: a new simulated day posted to {@code collect}, through the embedded Kafka
 * broker into the streaming job, the conversion scores it wrote at each action, and {@code serve}
 * answering over them for a moment.
 */
final class LiveDemo {
  private static final int CHUNK = 500;

  private LiveDemo() {
  }

  static void run(SparkSession spark, Store store, LocalDate day, int persons, PrintWriter out)
      throws IOException, InterruptedException {
    EmbeddedKafka.Status broker = EmbeddedKafka.start(KafkaCommand.local());
    out.println("[kafka]     " + broker.describe());
    Path traffic = TrailcastHome.varDir().resolve("demo/live-traffic");
    Simulator.Summary simulated = new Simulator(new SimulationConfig(persons, 1, day, 43, LogFormat.COMBINED, 0.0,
        false, ZoneId.of("UTC"), traffic)).run();
    // A topic and a checkpoint of its own per demo run: the live part always replays its one day.
    String topic = "demo-" + System.currentTimeMillis();
    List<String> lines = Files.readAllLines(traffic.resolve("logs/access-" + day + ".log"), StandardCharsets.UTF_8);
    HttpClient http = HttpClient.newHttpClient();
    Collector.Counts sent;
    try (Collector collector = Collector.start(Collector.Options.of("127.0.0.1", 0, broker.bootstrap(), topic))) {
      URI events = URI.create("http://127.0.0.1:" + collector.port() + "/events");
      for (int i = 0; i < lines.size(); i += CHUNK) {
        String body = String.join("\n", lines.subList(i, Math.min(lines.size(), i + CHUNK)));
        HttpRequest post = HttpRequest.newBuilder(events).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
        // 503: Kafka did not acknowledge in time; sent again, as a site would (copies are deduplicated).
        for (int tries = 1; response.statusCode() == 503 && tries < 3; tries++) {
          response = http.send(post, HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() != 204) {
          throw new IllegalStateException("collect answered " + response.statusCode() + ": " + response.body().strip());
        }
      }
      sent = collector.counts();
    }
    out.printf(Locale.ROOT, "[collect]   %,d log lines of %,d new visitors on %s posted to collect → Kafka topic %s "
        + "(%,d sent)%n", lines.size(), persons, day, topic, sent.sent());
    out.flush();
    String checkpoint = TrailcastHome.varDir().resolve("demo/stream/" + topic).toString();
    SiteConfig site = SiteConfig.defaults().withSite("trailmag");
    // A new checkpoint over the same day would count its sessions again: its live metrics start from zero.
    LiveMetrics.clearDay(store.cql(), store.keyspace(), site.site(), day, SessionRules.of(site).zone());
    // Two thousand lines a micro-batch: the day streams in several, as a site's would.
    StreamJob.Result result = StreamJob.run(spark, store, StreamJob.Options.drain(StreamSource.parse("kafka:"
        + broker.bootstrap() + "/" + topic), site, IngestConfig.DEFAULT_SALT, checkpoint).withMaxPerTrigger(2_000));
    out.println("[stream]    " + result.line());
    String user = printScores(store, day, out);
    serveOnce(store, user, out);
    out.println("            live tables: live_page_metrics, live_search_metrics, landing_recency, stream_status; "
        + "keep it running: bin/trailcast stream --source kafka:" + broker.bootstrap() + "/TOPIC");
    out.flush();
  }

  /**
   * {@code serve} for a moment over the demo's keyspace: one answer of each kind (a stored score, a
   * fresh one, a landing page's live bounce, health), as the site and dashboards would ask.
   */
  private static void serveOnce(Store store, String user, PrintWriter out) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    CqlSession cql = store.cql();
    try (ModelWatch models = new ModelWatch(cql, ModelWatch.sparkLoader());
        ScoreServer server = ScoreServer.start(new CassandraServeData(cql, store.keyspace(),
            SiteConfig.defaults().withSite("trailmag"), models), ScoreServer.options("127.0.0.1", 0))) {
      models.refresh();
      Row page = cql.execute("SELECT landing_page FROM landing_recency WHERE site = 'trailmag' LIMIT 1").one();
      String base = "http://127.0.0.1:" + server.port();
      out.println("[serve]     bin/trailcast serve --port P answered on " + base + ":");
      List<String> asks = new java.util.ArrayList<>();
      if (user != null) {
        asks.add("/v1/users/" + user + "/score");
        asks.add("/v1/users/" + user + "/score?fresh=true");
      }
      if (page != null) {
        asks.add("/v1/landing-pages/bounce?url=" + java.net.URLEncoder.encode(page.getString(0),
            StandardCharsets.UTF_8));
      }
      asks.add("/health");
      for (String ask : asks) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + ask)).build(),
            HttpResponse.BodyHandlers.ofString());
        String body = answer.body();
        out.printf(Locale.ROOT, "            GET %s → %d %s%n", ask, answer.statusCode(),
            body.length() > 220 ? body.substring(0, 220) + "…" : body);
      }
    }
    out.flush();
  }

  /** A few visitors of the day with the newest score the stream gave them; returns one of them, or null. */
  private static String printScores(Store store, LocalDate day, PrintWriter out) {
    String first = null;
    CqlSession cql = store.cql();
    int shown = 0;
    for (int bucket = 0; bucket < EventDays.BUCKETS && shown < 3; bucket++) {
      for (Row user : cql.execute("SELECT user_id FROM event_days WHERE day = ? AND bucket = ?", day, bucket)) {
        Row score = cql.execute("SELECT scored_at, score, features_used FROM conversion_scores WHERE user_id = ? "
            + "AND month = ? LIMIT 1", user.getString(0), day.toString().substring(0, 7)).one();
        if (score != null && score.getInstant(0).isAfter(day.atStartOfDay(ZoneId.of("UTC")).toInstant())) {
          out.printf(Locale.ROOT, "            %s: %.3f at %s, pushed by %s (bin/trailcast score %s --keyspace %s)%n",
              user.getString(0), score.getDouble(1), score.getInstant(0), score.getList(2, String.class),
              user.getString(0), store.keyspace());
          first = first == null ? user.getString(0) : first;
          if (++shown == 3) {
            break;
          }
        }
      }
    }
    if (shown == 0) {
      out.println("            no visitor of " + day + " reached the pageviews a score needs (the model's minimum)");
    }
    return first;
  }
}
