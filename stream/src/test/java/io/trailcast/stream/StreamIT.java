package io.trailcast.stream;

import static io.trailcast.core.testing.TestCassandra.store;
import io.trailcast.models.ModelRegistry;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.Metrics;
import io.trailcast.aggregate.Sessions;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.kafka.EmbeddedKafka;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestKafka;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.ingest.parse.CombinedLogParser;
import io.trailcast.models.ModelJob;
import io.trailcast.models.TrailFeatures;
import io.trailcast.models.TrailScorer;
import io.trailcast.models.Trails;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated traffic through the embedded Kafka into the streaming job in a JVM of its own, killed
 * with SIGKILL midway and restarted from its checkpoint: events, sessions, metrics and the live
 * conversion scores then equal the batch recomputation of the same events, with events arriving
 * out of order within the watermark's delay, a duplicate line, one event too late to be
 * sessionized, and one dated in 2099 (quarantined: the watermark stays the data's). One run,
 * shared by the tests below.
 */
class StreamIT {
  static final String SALT = "salt";
  static final Duration DELAY = Duration.ofMinutes(10);
  private static final LocalDate DAY = LocalDate.of(2026, 1, 5);
  private static final String TOO_LATE = "10.9.9.9 - - [05/Jan/2026:00:00:01 +0000] \"GET /too-late HTTP/1.1\" 200 "
      + "512 \"-\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\"";
  /** Dated far ahead: taken in, it would move the watermark past every later event. */
  private static final String FUTURE = "10.9.9.8 - - [31/Dec/2099:23:00:00 +0000] \"GET /from-the-future HTTP/1.1\" "
      + "200 512 \"-\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\"";
  /** The two runs' output, kept for a look after a failure. */
  private static final Path LOGS = Path.of("target", "stream-it");
  @TempDir
  static Path tmp;

  private static CassandraTarget target;
  private static CassandraTarget batch;
  private static SparkSession spark;
  private static List<String> lines;
  private static ModelRegistry.Recorded model;
  /** The streaming job's arguments and its topic: the forget test runs it again. */
  private static String[] streamArgs;
  private static String bootstrap;
  private static final String TOPIC = "it-stream";
  /** The messages sent to the topic by the shared run. */
  private static int sent;

  /**
   * The shared run: the simulated day ingested and aggregated in batch, a conversion model fitted
   * on its trails, then the same lines through collect, Kafka and the streaming job, killed with
   * SIGKILL after two micro-batches and restarted to the end.
   */
  @BeforeAll
  static void streamTheDayKilledMidway() throws Exception {
    EmbeddedKafka.Status broker = TestKafka.broker();
    target = TestCassandra.keyspaceFor(StreamIT.class);
    batch = TestCassandra.keyspaceFor(StreamIT.class, "batch");
    new Simulator(new SimulationConfig(150, 1, DAY, 11, LogFormat.COMBINED, 0.0, false, ZoneId.of("UTC"),
        tmp.resolve("traffic"))).run();
    lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(tmp.resolve("traffic/logs"))) {
      for (Path file : files.sorted().toList()) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
    }
    spark = TestSpark.connectedTo(target);
    // The batch side: the same lines ingested and aggregated; a model fitted on their trails and
    // recorded where the stream looks for it.
    Path file = tmp.resolve("all.log");
    Files.write(file, lines);
    Files.writeString(file, TOO_LATE + "\n", java.nio.file.StandardOpenOption.APPEND);
    IngestJob.run(spark, store(batch), new IngestConfig(List.of(file.toString()), InputFormat.AUTO,
        SiteConfig.defaults(),
        SALT, null, null, false));
    AggregateJob.run(spark, store(batch), DAY, DAY, SessionRules.of(SiteConfig.defaults()));
    model = fitModel(tmp.resolve("model"));

    // Each line arrives up to half the delay after its time: always within the watermark.
    Random random = new Random(3);
    List<long[]> order = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      order.add(new long[] {CombinedLogParser.parse(lines.get(i)).ts() + random.nextLong(DELAY.toMillis() / 2), i});
    }
    order.sort(Comparator.comparingLong((long[] o) -> o[0]));
    List<String> arrivals = new ArrayList<>();
    for (long[] o : order) {
      arrivals.add(lines.get((int) o[1]));
    }
    arrivals.add(arrivals.size() / 2, arrivals.get(arrivals.size() / 2));
    arrivals.add(TOO_LATE);
    arrivals.add(arrivals.size() / 3, "not a log line at all");
    arrivals.add(arrivals.size() / 4, FUTURE);
    // Through collect, as a site would send them: in order, a few hundred lines per request.
    String topic = TOPIC;
    bootstrap = broker.bootstrap();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    HttpClient http = HttpClient.newHttpClient();
    try (Collector collector = Collector.start(Collector.Options.of("127.0.0.1", 0, broker.bootstrap(), topic))) {
      for (int i = 0; i < arrivals.size(); i += 200) {
        HttpResponse<Void> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + collector.port() + "/events")).POST(HttpRequest.BodyPublishers.ofString(String.join("\n",
            arrivals.subList(i, Math.min(arrivals.size(), i + 200))))).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, posted.statusCode());
      }
      assertEquals(arrivals.size(), collector.counts().sent(), "sent");
    }
    sent = arrivals.size();

    // Killed once two micro-batches are committed, restarted to the end.
    Path checkpoint = tmp.resolve("checkpoint");
    Files.createDirectories(LOGS);
    String source = "kafka:" + broker.bootstrap() + "/" + topic;
    String[] args = {"127.0.0.1:" + target.connectorPort(), target.keyspace(), source, checkpoint.toString(), "150"};
    streamArgs = args;
    Process first = launch(args, LOGS.resolve("first.log"));
    Path commits = checkpoint.resolve("live/commits");
    long deadline = System.currentTimeMillis() + 180_000;
    while (committed(commits) < 2 && first.isAlive() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(first.isAlive(), "the first run must still be running when killed: " + tail(LOGS.resolve("first.log")));
    first.destroyForcibly();
    first.waitFor();
    int batchesBeforeKill = committed(commits);
    assertTrue(batchesBeforeKill < arrivals.size() / 150, "killed midway: " + batchesBeforeKill + " batches");
    Process second = launch(args, LOGS.resolve("second.log"));
    assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the restarted run drains the topic");
    assertEquals(0, second.exitValue(), tail(LOGS.resolve("second.log")));
  }

  /**
   * A conversion pipeline of the trail features (vocabularies that keep every word: a day of 150
   * visitors is small) fitted on the batch trails, saved and recorded in the stream's keyspace.
   */
  private static ModelRegistry.Recorded fitModel(Path dir) throws IOException {
    TrailScorer.Rules rules = new TrailScorer.Rules(SiteConfig.defaults().funnel(), 2);
    // One cached partition: the fit is some hundred small jobs (vocabularies, LBFGS iterations), each of which
    // would otherwise read the trails from the store again, a task per shuffle partition.
    Dataset<Row> trails = Trails.of(spark, batch, DAY, DAY, rules).coalesce(1).cache();
    List<PipelineStage> stages = new ArrayList<>();
    for (String list : List.of("sections", "bigrams", "themes", "landing")) {
      stages.add(new CountVectorizer().setInputCol(list).setOutputCol(list + "_vec").setBinary(true));
    }
    List<String> inputs = new ArrayList<>(TrailFeatures.NUMERIC);
    inputs.addAll(List.of("sections_vec", "bigrams_vec", "themes_vec", "landing_vec"));
    stages.add(new VectorAssembler().setInputCols(inputs.toArray(new String[0])).setOutputCol("features"));
    // Any fitted model serves (the tests compare live scores with batch scores of the same model): ten
    // iterations, not a hundred jobs of a converging fit.
    stages.add(new LogisticRegression().setRegParam(0.1).setMaxIter(10));
    PipelineModel fitted = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(trails);
    trails.unpersist();
    fitted.write().overwrite().save(dir.toString());
    Map<String, String> params = Map.of("min_pageviews", "2", "funnel", String.join("\n", rules.funnel()));
    try (CqlSession cql = CqlSessions.open(target)) {
      cql.execute(SimpleStatement.newInstance("INSERT INTO models (kind, version, created_at, path, algorithm, "
          + "params) VALUES (?, ?, ?, ?, ?, ?)", ModelRegistry.TRAILS, "conv-it", java.time.Instant.now(),
          dir.toString(),
          "logistic", params));
    }
    ModelRegistry.Recorded recorded = ModelRegistry.model(store(target).cql(), "conv-it");
    // As model train leaves it: the scorer beside the pipeline, which the stream's JVMs then load without Spark.
    TrailScorer.of(recorded.version(), fitted, TrailScorer.Rules.of(recorded)).saveBeside(dir.toString());
    return recorded;
  }

  @Test
  void eventsEqualTheBatchIngestOfTheSameLines() {
    String[] eventColumns = {"user_id", "day", "ts", "event_id", "url", "action", "referrer", "interactive", "bot",
        "status", "campaign", "search_query"};
    assertEquals(rows(CassandraTables.read(spark, batch, "events_by_user"), eventColumns),
        rows(CassandraTables.read(spark, target, "events_by_user"), eventColumns));
    try (CqlSession cql = CqlSessions.open(target)) {
      Map<String, String> rejected = new java.util.TreeMap<>();
      cql.execute("SELECT raw, reason FROM quarantine").forEach(r -> rejected.put(r.getString(0), r.getString(1)));
      String future = FUTURE.replace("10.9.9.8", "[ip]");
      assertEquals(List.of(future, "not a log line at all"), List.copyOf(rejected.keySet()),
          "the bad line and the one dated in 2099 (its address masked), each quarantined with its reason");
      assertTrue(rejected.get("not a log line at all").startsWith("not an access log line"), rejected.toString());
      assertTrue(rejected.get(future).startsWith("timestamp in the future: 2099-12-31T23:00:00Z"), rejected.toString());
    }
  }

  /**
   * What the stream made of each day's lines (ingest_days, for quality), added micro-batch by micro-batch: every
   * message once despite the kill and the replayed micro-batch, and the day's events, duplicates and bot events
   * as the batch ingest of the same lines recorded them.
   */
  @Test
  void theStreamRecordsWhatItMadeOfEachDaysLinesOnce() {
    Map<String, long[]> stream = ingestDays(target, "kafka:");
    Map<String, long[]> batchDays = ingestDays(batch, "");
    long[] total = new long[6];
    stream.values().forEach(r -> {
      for (int i = 0; i < total.length; i++) {
        total[i] += r[i];
      }
    });
    assertEquals(sent, total[0], "every message counted once");
    assertEquals(total[0], total[1] + total[2] + total[3], "lines = written + duplicates + quarantined");
    assertEquals(2, total[3], "the bad line and the one dated in 2099");
    long[] day = stream.get(DAY.toString());
    long[] batchDay = batchDays.get(DAY.toString());
    assertEquals(batchDay[1], day[1], "the day's events, as the batch ingest wrote them");
    assertEquals(1, day[2], "the duplicate line");
    assertEquals(batchDay[4], day[4], "bot events");
    assertEquals(0, day[5], "no day of the stream's keyspace was aggregated: nothing is late");
    try (CqlSession cql = CqlSessions.open(target)) {
      var row = cql.execute(SimpleStatement.newInstance("SELECT arrival_delay, batches FROM ingest_days WHERE day = ?",
          DAY)).one();
      assertTrue(!row.isNull(0), "the day's arrival delays");
      assertEquals(1, row.getMap(1, String.class, Long.class).size(), "one query, its last micro-batch recorded");
    }
  }

  /**
   * Per day: lines, written, duplicates, quarantined, bot events, late arrivals, summed over the day's sources
   * that start with {@code prefix}.
   */
  static Map<String, long[]> ingestDays(CassandraTarget of, String prefix) {
    Map<String, long[]> days = new java.util.TreeMap<>();
    try (CqlSession cql = CqlSessions.open(of)) {
      for (var r : cql.execute("SELECT day, lines, written, duplicates, quarantined, bot_events, late_events, source "
          + "FROM ingest_days")) {
        if (!r.getString(7).startsWith(prefix)) {
          continue;
        }
        long[] sums = days.computeIfAbsent(r.getLocalDate(0).toString(), d -> new long[6]);
        sums[0] += r.getLong(1);
        sums[1] += r.getLong(2);
        sums[2] += r.getLong(3);
        sums[3] += r.getMap(4, String.class, Long.class).values().stream().mapToLong(Long::longValue).sum();
        sums[4] += r.getMap(5, String.class, Long.class).values().stream().mapToLong(Long::longValue).sum();
        sums[5] += r.isNull(6) ? 0 : r.getLong(6);
      }
    }
    return days;
  }

  @Test
  void sessionsAndDayMetricsEqualTheBatchRecomputation() {
    // Sessions: the batch rules over the stream's events but the one too late, ending at the watermark.
    long watermark;
    long late;
    try (CqlSession cql = CqlSessions.open(target)) {
      com.datastax.oss.driver.api.core.cql.Row status = cql.execute("SELECT watermark, late_events FROM stream_status "
          + "WHERE query = 'live'").one();
      watermark = status.getInstant(0).toEpochMilli();
      late = status.getLong(1);
    }
    assertEquals(1, late, "the event older than the watermark is counted");
    SessionRules rules = SessionRules.of(SiteConfig.defaults());
    Dataset<Row> events = CassandraTables.read(spark, target, "events_by_user")
        .filter(col("url").endsWith("/too-late").equalTo(lit(false)));
    Dataset<Row> expected = Sessions.apply(events, rules, watermark).cache();
    Dataset<Row> stored = CassandraTables.read(spark, target, "sessions_by_user");
    String[] sessionColumns = Sessions.forTable(expected).columns();
    List<String> expectedSessions = rows(Sessions.forTable(expected), sessionColumns);
    assertTrue(expectedSessions.size() > 10, expectedSessions.size() + " sessions");
    assertEquals(expectedSessions, rows(stored, sessionColumns));

    // Metrics, kept as counts changed at every micro-batch: the batch definitions over those
    // sessions, per day and per hour of the site time zone.
    String zone = rules.zone().getId();
    Dataset<Row> windowed = expected
        .withColumn("day_start", expr("to_utc_timestamp(cast(day as timestamp), '" + zone + "')"))
        .withColumn("hour_start", expr("to_utc_timestamp(date_trunc('HOUR', from_utc_timestamp(session_start, '"
            + zone + "')), '" + zone + "')"));
    Dataset<Row> livePages = CassandraTables.read(spark, target, "live_page_metrics");
    Dataset<Row> liveSearch = CassandraTables.read(spark, target, "live_search_metrics");
    String[] pageColumns = {"site", "window_start", "landing_page", "sessions", "bounces", "bounce_rate",
        "engaged_sessions", "engaged_bounce_rate", "avg_depth", "depth_counts", "bot_sessions"};
    String[] searchColumns = {"site", "window_start", "query", "searches", "searches_with_click", "search_ctr",
        "clicks", "clicks_per_search", "zero_click_searches", "search_exits"};
    for (String grain : List.of("day", "hour")) {
      String window = grain + "_start";
      List<String> pages = rows(Metrics.pages(windowed, window).withColumnRenamed(window, "window_start"),
          pageColumns);
      assertTrue(pages.size() > 5, grain + ": " + pages.size() + " landing pages");
      assertEquals(pages, rows(livePages.filter(col("grain").equalTo(grain)), pageColumns), grain);
      assertEquals(rows(Metrics.search(windowed, window).withColumnRenamed(window, "window_start"), searchColumns),
          rows(liveSearch.filter(col("grain").equalTo(grain)), searchColumns), grain);
    }
    expected.unpersist();
  }

  /**
   * A micro-batch replayed after a crash changes the live metrics once: each row records, per
   * streaming query, the micro-batch that last changed it; another query's micro-batch of the same
   * number is its own change; a row deleted by a micro-batch (all its sessions retracted) stays deleted.
   */
  @Test
  void aMetricsChangeReplayedWithItsMicroBatchIsAppliedOnce() {
    long hour = java.time.Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    LiveCounts.Key page = new LiveCounts.Key(LiveCounts.Table.PAGES, "replay.example", "hour", hour,
        "replay.example/");
    LiveCounts.Key total = new LiveCounts.Key(LiveCounts.Table.SEARCH, "replay.example", "hour", hour, "*");
    long[] bounced = {1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    long[] searched = {1, 2, 1, 3, 0};
    LiveMetrics metrics = new LiveMetrics(target.keyspace());
    try (CqlSession cql = CqlSessions.open(target)) {
      SimpleStatement read = SimpleStatement.newInstance("SELECT sessions, bounces, bounce_rate, depth_counts, "
          + "batches FROM live_page_metrics WHERE site = 'replay.example' AND grain = 'hour' AND window_start = ?",
          java.time.Instant.ofEpochMilli(hour));
      for (long batch : new long[] {7, 7, 8, 8}) {
        metrics.apply(cql, Map.of(page, bounced, total, searched), "query-a", batch);
      }
      metrics.apply(cql, Map.of(page, bounced, total, searched), "query-b", 8);
      com.datastax.oss.driver.api.core.cql.Row row = cql.execute(read).one();
      assertEquals(3, row.getLong(0), "three micro-batches of one session each, each applied once");
      assertEquals(3, row.getLong(1));
      assertEquals(1.0, row.getDouble(2));
      assertEquals(List.of(3L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L), row.getList(3, Long.class));
      assertEquals(Map.of("query-a", 8L, "query-b", 8L), row.getMap(4, String.class, Long.class));
      com.datastax.oss.driver.api.core.cql.Row search = cql.execute(SimpleStatement.newInstance("SELECT sessions, "
          + "searches, search_ctr, zero_click_searches FROM live_search_metrics WHERE site = 'replay.example' "
          + "AND grain = 'hour' AND window_start = ? AND query = '*'", java.time.Instant.ofEpochMilli(hour))).one();
      assertEquals(List.of(3L, 6L, 0.5, 3L), List.of(search.getLong(0), search.getLong(1), search.getDouble(2),
          search.getLong(3)));
      long[] allRetracted = java.util.Arrays.stream(bounced).map(v -> -3 * v).toArray();
      metrics.apply(cql, Map.of(page, allRetracted), "query-a", 9);
      metrics.apply(cql, Map.of(page, allRetracted), "query-a", 9);
      assertEquals(null, cql.execute(read).one(), "no session left: the row is gone, and a replay leaves it so");
    }
  }

  /**
   * The live score of every session, as stored at its trail's last moment, equals the batch
   * score of that session (the same model version, through the same TrailScorer) over the
   * events the stream stored: out-of-order arrivals re-scored the moments they changed.
   */
  @Test
  void theLiveScoreOfEverySessionEqualsItsBatchScore() {
    TrailScorer scorer = TrailScorer.load(model);
    List<Row> expected = ModelJob.scoreRows(spark, scorer, Trails.of(spark, target, DAY, DAY, scorer.rules()))
        .collectAsList();
    assertTrue(expected.size() >= 15, expected.size() + " scorable sessions");
    assertTrue(expected.stream().map(r -> r.getDouble(4)).distinct().count() > 5, "the model tells trails apart");
    int compared = 0;
    try (CqlSession cql = CqlSessions.open(target)) {
      com.datastax.oss.driver.api.core.cql.PreparedStatement read = cql.prepare("SELECT score, model_version, "
          + "features_used FROM conversion_scores WHERE user_id = ? AND month = ? AND scored_at = ? "
          + "AND session_id = ?");
      for (Row want : expected) {
        com.datastax.oss.driver.api.core.cql.Row live = cql.execute(read.bind(want.getString(0), want.getString(1),
            want.getTimestamp(2).toInstant(), want.getString(3))).one();
        assertTrue(live != null, "no live score for session " + want.getString(3) + " at " + want.getTimestamp(2));
        assertEquals(want.getDouble(4), live.getDouble(0), 1e-9, "session " + want.getString(3));
        assertEquals("conv-it", live.getString(1));
        assertEquals(want.getList(6), live.getList(2, String.class));
        compared++;
      }
    }
    assertEquals(expected.size(), compared);
  }

  /**
   * {@code serve} over what the stream wrote: the stored score of a user is their newest live
   * score; a fresh score, computed at request time from the stored events, equals the batch (and
   * live) score of the user's last session; the landing page's live day figures are the table's;
   * bad requests get a 400 and unknown users a 404, each with a JSON reason.
   */
  @Test
  void serveAnswersTheStreamsScoresFreshScoresAndLiveBounce() throws Exception {
    TrailScorer scorer = TrailScorer.load(model);
    Map<String, Row> lastScorable = new java.util.HashMap<>();
    for (Row r : ModelJob.scoreRows(spark, scorer, Trails.of(spark, target, DAY, DAY, scorer.rules()))
        .collectAsList()) {
      lastScorable.merge(r.getString(0), r, (a, b) -> a.getTimestamp(2).after(b.getTimestamp(2)) ? a : b);
    }
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    HttpClient http = HttpClient.newHttpClient();
    try (CqlSession cql = CqlSessions.open(target);
        io.trailcast.stream.serve.ModelWatch models = new io.trailcast.stream.serve.ModelWatch(cql,
            io.trailcast.stream.serve.ModelWatch.sparkLoader());
        io.trailcast.stream.serve.ScoreServer server = io.trailcast.stream.serve.ScoreServer.start(
            new io.trailcast.stream.serve.CassandraServeData(cql, target.keyspace(), SiteConfig.defaults(), models),
            io.trailcast.stream.serve.ScoreServer.options("127.0.0.1", 0))) {
      models.refresh();
      String base = "http://127.0.0.1:" + server.port();
      int fresh = 0;
      for (Row want : lastScorable.values()) {
        String user = want.getString(0);
        // The user's last session is the scorable one: what the site would ask about now.
        com.datastax.oss.driver.api.core.cql.Row last = cql.execute("SELECT session_id FROM sessions_by_user WHERE "
            + "user_id = ? AND month = ? LIMIT 1", user, want.getString(1)).one();
        if (!last.getString(0).equals(want.getString(3))) {
          continue;
        }
        com.fasterxml.jackson.databind.JsonNode stored = get(http, json, base + "/v1/users/" + user + "/score", 200);
        com.datastax.oss.driver.api.core.cql.Row newest = cql.execute("SELECT score, scored_at FROM "
            + "conversion_scores WHERE user_id = ? AND month = ? LIMIT 1", user, want.getString(1)).one();
        assertEquals(newest.getDouble(0), stored.get("score").asDouble(), 0.0, "stored score of " + user);
        assertEquals(newest.getInstant(1).toString(), stored.get("scored_at").asText());
        assertEquals("conv-it", stored.get("model_version").asText());
        com.fasterxml.jackson.databind.JsonNode now = get(http, json, base + "/v1/users/" + user
            + "/score?fresh=true", 200);
        assertEquals(want.getDouble(4), now.get("score").asDouble(), 1e-9, "fresh score of " + user);
        assertEquals(want.getString(3), now.get("session_id").asText());
        assertEquals(want.getTimestamp(2).toInstant().toString(), now.get("scored_at").asText());
        assertTrue(now.get("fresh").asBoolean());
        fresh++;
      }
      assertTrue(fresh >= 10, fresh + " users compared");

      com.datastax.oss.driver.api.core.cql.Row page = cql.execute("SELECT site, landing_page, sessions, bounce_rate "
          + "FROM live_page_metrics WHERE site = ? AND grain = 'day' AND window_start = ? LIMIT 1",
          SiteConfig.defaults().site(), DAY.atStartOfDay(ZoneId.of("UTC")).toInstant()).one();
      com.fasterxml.jackson.databind.JsonNode bounce = get(http, json, base + "/v1/landing-pages/bounce?url="
          + java.net.URLEncoder.encode(page.getString(1), StandardCharsets.UTF_8), 200);
      assertEquals(page.getLong(2), bounce.get("day").get("sessions").asLong());
      assertEquals(page.isNull(3) ? null : page.getDouble(3), bounce.get("day").get("bounce_rate").isNull() ? null
          : bounce.get("day").get("bounce_rate").asDouble());
      assertEquals("watermark", bounce.get("as_of_source").asText());

      assertTrue(get(http, json, base + "/v1/users/nobody-at-all/score", 404).get("error").asText().length() > 0);
      assertTrue(get(http, json, base + "/v1/users/" + "x".repeat(300) + "/score", 400).has("error"));
      assertTrue(get(http, json, base + "/v1/users/u1/score?fresh=maybe", 400).has("error"));
      assertTrue(get(http, json, base + "/v1/landing-pages/bounce", 400).has("error"));
      assertEquals("ok", get(http, json, base + "/health", 200).get("status").asText());
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode get(HttpClient http,
      com.fasterxml.jackson.databind.ObjectMapper json, String url, int status) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(status, response.statusCode(), url + ": " + response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    return json.readTree(response.body());
  }

  private static List<String> rows(Dataset<Row> rows, String[] columns) {
    List<String> out = new ArrayList<>();
    for (Row row : rows.select(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length))
        .collectAsList()) {
      out.add(row.mkString("|"));
    }
    out.sort(null);
    return out;
  }

  private static int committed(Path commits) throws IOException {
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(commits)) {
      return (int) files.filter(f -> f.getFileName().toString().matches("\\d+")).count();
    }
  }

  private static Process launch(String[] args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xmx") && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
        command.add(arg);
      }
    }
    command.add("-Xmx1g");
    // A child that lives a minute: the client compiler alone costs it less CPU than it saves
    // (docs/BENCHMARKS.md, small runs); what it runs is the same.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(StreamProcess.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static String tail(Path log) throws IOException {
    List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
  }

  /**
   * After the tests above (a nested class runs after its outer one's tests): one simulated person
   * with two devices, an email and a CRM account, whose last session is still open in the stream's
   * state, is forgotten; then nothing in any table names them, neither after the stream goes on
   * (their lines sent again, their state timed out) nor after their logs are ingested again and
   * every stage is rerun. A visitor whose lines carry a session id, an email, a secret in the
   * referrer and a login (and corrupt copies of them) is stored without any of those values.
   */
  @Nested
  class ForgetAndPersonalData {
    private static final String PII = "198.51.100.23 - jo.smith [05/Jan/2026:22:10:%02d +0000] \"GET "
        + "/account;jsessionid=SESS123SECRET?email=jo.smith%%40mail.example.org&tab=2 HTTP/1.1\" 200 900 "
        + "\"https://www.trailmag.com/login?sid=SID999SECRET&next=/account\" \"Mozilla/5.0 (X11; Linux x86_64) "
        + "Firefox/120.0\"";
    private static final String PII_CORRUPT = "198.51.100.23 - jo.smith [05/Jan/2026:22:11:00 +0000] \"GET "
        + "/account;jsessionid=SESS123SECRET?email=jo.smith%40mail.example.org HTTP/1.1\" abc";

    @Test
    void aForgottenPersonIsGoneFromEveryTableForGoodAndNoCredentialIsStored() throws Exception {
      Path truth = tmp.resolve("traffic/truth");
      // The person: human, two devices, an email and a CRM account, whose last event is the latest.
      Map<String, String> lastEvent = new java.util.HashMap<>();
      Map<String, Integer> lineCount = new java.util.HashMap<>();
      List<Row> events = csv(truth.resolve("events.csv"));
      // Devices that signed in that day: what links a device to its person.
      Map<String, java.util.Set<String>> signedIn = new java.util.HashMap<>();
      for (Row e : events) {
        lastEvent.merge(e.getAs("person_id"), e.getAs("ts"), (a, b) -> a.compareTo(b) > 0 ? a : b);
        lineCount.merge(e.getAs("person_id"), 1, Integer::sum);
        if (e.getAs("login") != null) {
          signedIn.computeIfAbsent(e.getAs("person_id"), k -> new java.util.HashSet<>()).add(e.getAs("device_id"));
        }
      }
      Row chosen = csv(truth.resolve("persons.csv")).stream()
          .filter(p -> "human".equals(p.getAs("kind")) && p.<String>getAs("devices").contains(";")
              && signedIn.containsKey(p.getAs("person_id")) && p.getAs("email") != null && p.getAs("crm_id") != null)
          .max(Comparator.comparing((Row p) -> lastEvent.get(p.<String>getAs("person_id")))).orElseThrow();
      String personId = chosen.getAs("person_id");
      String email = chosen.getAs("email");
      String crmId = chosen.getAs("crm_id");
      List<String> forbidden = new ArrayList<>(List.of(email,
          io.trailcast.ingest.Hashing.salted(SALT, email.toLowerCase(java.util.Locale.ROOT))));
      List<String> addresses = new ArrayList<>();
      String otherDevice = null;
      for (Row d : csv(truth.resolve("devices.csv"))) {
        if (personId.equals(d.getAs("person_id"))) {
          forbidden.add(io.trailcast.ingest.EventBuilder.addressUserId(SALT, d.getAs("ip"), d.getAs("user_agent"))
              .substring(2));
          addresses.add(d.getAs("ip"));
          if (!signedIn.get(personId).contains(d.<String>getAs("device_id"))) {
            // The person signs in on their other device too (a day rarely has both): it joins the person.
            otherDevice = d.getAs("ip") + " - " + email + " [05/Jan/2026:23:40:00 +0000] \"GET /account HTTP/1.1\" 200 "
                + "512 \"-\" \"" + d.getAs("user_agent") + "\"";
          }
        }
      }
      assertTrue(otherDevice != null, "a device that did not sign in");
      Path signIn = Files.write(tmp.resolve("sign-in.log"), List.of(otherDevice));
      IngestJob.run(spark, store(target), new IngestConfig(List.of(signIn.toString()), InputFormat.AUTO,
          SiteConfig.defaults(), SALT, null, null, false));
      List<String> pii = List.of("SESS123SECRET", "SID999SECRET", "jo.smith", "198.51.100.23");

      // Every stage of the day in the stream's keyspace, with the CRM extract.
      runStages(tmp.resolve("traffic/crm.csv"));
      assertTrue(!leaks(forbidden, addresses, crmId).isEmpty(), "the person is there before");

      io.trailcast.aggregate.identity.ForgetJob.Result dry = io.trailcast.aggregate.identity.ForgetJob.run(spark,
          store(target), email, io.trailcast.aggregate.identity.ForgetJob.Kind.EMAIL, SALT, true);
      assertTrue(dry.deleted().get("events_by_user") > 0, dry.deleted().toString());
      io.trailcast.aggregate.identity.ForgetJob.Result forgot = io.trailcast.aggregate.identity.ForgetJob.run(spark,
          store(target), email, io.trailcast.aggregate.identity.ForgetJob.Kind.EMAIL, SALT, false);
      assertEquals(dry.deleted(), forgot.deleted(), "a dry run lists what then goes");
      for (String table : List.of("events_by_user", "event_days", "sessions_by_user", "user_daily", "user_lifetime",
          "identity_edges", "person_by_identifier", "person_history", "person_profile", "crm_accounts",
          "conversion_scores")) {
        assertTrue(forgot.deleted().getOrDefault(table, 0L) > 0, table + ": " + forgot.deleted());
      }
      assertEquals(List.of(), leaks(forbidden, addresses, crmId), "after forget");

      // The stream goes on: the person's lines again, the PII visitor's, and a later stranger whose
      // event moves the watermark past the person's open session (its timeout would write it back).
      List<String> again = new ArrayList<>();
      for (Row e : events) {
        if (personId.equals(e.getAs("person_id"))) {
          again.add(lines.get(Integer.parseInt(e.getAs("line")) - 1));
        }
      }
      again.add(String.format(PII, 1));
      again.add(PII_CORRUPT);
      again.add("10.7.7.7 - - [06/Jan/2026:02:00:00 +0000] \"GET /music/later HTTP/1.1\" 200 512 \"-\" "
          + "\"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\"");
      try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
          new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
              new org.apache.kafka.common.serialization.StringSerializer(),
              new org.apache.kafka.common.serialization.StringSerializer())) {
        for (String line : again) {
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TOPIC, line));
        }
      }
      Process third = launch(streamArgs, LOGS.resolve("third.log"));
      assertTrue(third.waitFor(5, TimeUnit.MINUTES), "the stream drains the new lines");
      assertEquals(0, third.exitValue(), tail(LOGS.resolve("third.log")));
      assertEquals(List.of(), leaks(forbidden, addresses, crmId), "after the stream went on");
      // The day was aggregated before this run: the PII visitor's new event arrived late (the person's lines were
      // suppressed, the corrupt copy quarantined).
      assertEquals(1, ingestDays(target, "kafka:").get(DAY.toString())[5], "one late arrival on the aggregated day");

      // The same logs again, and every stage rerun: the person stays gone.
      Path file = tmp.resolve("all.log");
      Path piiFile = tmp.resolve("pii.log");
      Files.write(piiFile, List.of(String.format(PII, 2), PII_CORRUPT));
      io.trailcast.ingest.IngestResult reingested = IngestJob.run(spark, store(target), new IngestConfig(
          List.of(file.toString(), piiFile.toString(), signIn.toString()), InputFormat.AUTO, SiteConfig.defaults(),
          SALT, null, null, false));
      assertEquals(lineCount.get(personId) + 1L, reingested.suppressed(), reingested.line());
      runStages(tmp.resolve("traffic/crm.csv"));
      assertEquals(List.of(), leaks(forbidden, addresses, crmId), "after a rerun of every stage");
      List<String> stored = dump();
      for (String value : pii) {
        assertEquals(List.of(), stored.stream().filter(r -> r.contains(value)).toList(), value + " is stored");
      }
      assertTrue(stored.stream().anyMatch(r -> r.contains("/account?tab=2")), "the PII visitor's page is there");

      try (CqlSession cql = CqlSessions.open(target)) {
        com.datastax.oss.driver.api.core.cql.Row audit = cql.execute("SELECT identifier_hash, deleted, kind FROM "
            + "forget_audit").one();
        assertEquals(forgot.identifierHash(), audit.getString(0));
        assertEquals(forgot.deleted(), audit.getMap(1, String.class, Long.class));
        assertEquals("email", audit.getString(2));
        assertEquals(4, cql.execute("SELECT identifier FROM suppressed_identifiers").all().size(),
            "two devices, an email, a CRM id");
      }
    }

    private void runStages(Path crm) {
      AggregateJob.run(spark, store(target), DAY, DAY.plusDays(1), SessionRules.of(SiteConfig.defaults()));
      io.trailcast.aggregate.identity.IdentityJob.run(spark, store(target), DAY, DAY.plusDays(1), crm, SALT,
          io.trailcast.aggregate.identity.IdentityGraph.Rules.defaults());
      java.util.Set<String> themes = new java.util.HashSet<>();
      io.trailcast.enrich.themes.ThemeDefinitions.defaults().themes().forEach(t -> themes.add(t.name()));
      io.trailcast.segments.SegmentJob.run(spark, store(target),
          io.trailcast.segments.SegmentDefinitions.defaults(themes),
          DAY);
      ModelJob.score(spark, store(target), DAY, DAY.plusDays(1), model);
    }

    /**
     * Every row of every table but forget's own, one string each: read with the driver (a Spark
     * scan of each of the keyspace's small tables cost a job per table, four times over).
     */
    private List<String> dump() {
      List<String> all = new ArrayList<>();
      CqlSession cql = store(target).cql();
      for (com.datastax.oss.driver.api.core.cql.Row t : cql.execute(SimpleStatement.newInstance(
          "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", target.keyspace()))) {
        String table = t.getString(0);
        if (table.equals("suppressed_identifiers") || table.equals("forget_audit")) {
          continue;
        }
        for (com.datastax.oss.driver.api.core.cql.Row r : cql.execute("SELECT * FROM " + table)) {
          StringBuilder values = new StringBuilder(table);
          for (int i = 0; i < r.size(); i++) {
            values.append(i == 0 ? " [" : ",").append(r.getObject(i));
          }
          all.add(values.append(']').toString());
        }
      }
      return all;
    }

    /** The rows that still name the person: a hash, the email, an address or the CRM id. */
    private List<String> leaks(List<String> forbidden, List<String> addresses, String crmId) {
      List<java.util.regex.Pattern> patterns = new ArrayList<>();
      for (String address : addresses) {
        patterns.add(java.util.regex.Pattern.compile("(?<![\\d.])" + java.util.regex.Pattern.quote(address)
            + "(?![\\d.])"));
      }
      patterns.add(java.util.regex.Pattern.compile("(?<![A-Za-z0-9])" + java.util.regex.Pattern.quote(crmId)
          + "(?![A-Za-z0-9])"));
      return dump().stream().filter(r -> forbidden.stream().anyMatch(r::contains)
          || patterns.stream().anyMatch(p -> p.matcher(r).find())).toList();
    }

    /** A truth file's rows (events.csv: file, line, ..., person_id of every log line). */
    private List<Row> csv(Path file) {
      return spark.read().option("header", "true").csv(file.toString()).collectAsList();
    }
  }
}
