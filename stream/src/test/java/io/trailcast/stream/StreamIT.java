package io.trailcast.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.aggregate.Metrics;
import io.trailcast.aggregate.Sessions;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.kafka.EmbeddedKafka;
import io.trailcast.core.simulate.LogFormat;
import io.trailcast.core.simulate.SimulationConfig;
import io.trailcast.core.simulate.Simulator;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestKafka;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.ingest.parse.CombinedLogParser;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated traffic through the embedded Kafka into the streaming job in a JVM of its own, killed
 * with SIGKILL midway and restarted from its checkpoint: events, sessions and metrics then equal
 * the batch recomputation of the same events, with events arriving out of order within the
 * watermark's delay, a duplicate line, and one event too late to be sessionized.
 */
class StreamIT {
  static final String SALT = "salt";
  static final Duration DELAY = Duration.ofMinutes(10);
  private static final LocalDate DAY = LocalDate.of(2026, 1, 5);
  private static final String TOO_LATE = "10.9.9.9 - - [05/Jan/2026:00:00:01 +0000] \"GET /too-late HTTP/1.1\" 200 "
      + "512 \"-\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\"";
  /** The two runs' output, kept for a look after a failure. */
  private static final Path LOGS = Path.of("target", "stream-it");
  @TempDir
  static Path tmp;

  @Test
  void aStreamKilledMidwayAndRestartedEqualsTheBatchRecomputation() throws Exception {
    EmbeddedKafka.Status broker = TestKafka.broker();
    CassandraTarget target = TestCassandra.keyspaceFor(StreamIT.class);
    CassandraTarget batch = TestCassandra.keyspaceFor(StreamIT.class, "batch");
    new Simulator(new SimulationConfig(30, 1, DAY, 11, LogFormat.COMBINED, 0.0, false, ZoneId.of("UTC"),
        tmp.resolve("traffic"))).run();
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(tmp.resolve("traffic/logs"))) {
      for (Path file : files.sorted().toList()) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
    }
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
    // Through collect, as a site would send them: in order, a few hundred lines per request.
    String topic = "it-stream";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    HttpClient http = HttpClient.newHttpClient();
    try (Collector collector = Collector.start("127.0.0.1", 0, broker.bootstrap(), topic)) {
      for (int i = 0; i < arrivals.size(); i += 200) {
        HttpResponse<Void> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + collector.port() + "/events")).POST(HttpRequest.BodyPublishers.ofString(String.join("\n",
            arrivals.subList(i, Math.min(arrivals.size(), i + 200))))).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, posted.statusCode());
      }
      assertEquals(arrivals.size(), collector.counts()[0], "sent");
    }

    // Killed once two micro-batches of the live query are committed, restarted to the end.
    Path checkpoint = tmp.resolve("checkpoint");
    Files.createDirectories(LOGS);
    String source = "kafka:" + broker.bootstrap() + "/" + topic;
    String[] args = {"127.0.0.1:" + target.connectorPort(), target.keyspace(), source, checkpoint.toString(), "150"};
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

    SparkSession spark = TestSpark.connectedTo(target);
    // Events: the batch ingest of the same lines.
    Path file = tmp.resolve("all.log");
    Files.write(file, lines);
    Files.writeString(file, TOO_LATE + "\n", java.nio.file.StandardOpenOption.APPEND);
    IngestJob.run(spark, batch, new IngestConfig(List.of(file.toString()), InputFormat.AUTO, SiteConfig.defaults(),
        SALT, null, null, false));
    String[] eventColumns = {"user_id", "day", "ts", "event_id", "url", "action", "referrer", "interactive", "bot",
        "status", "campaign", "search_query"};
    assertEquals(rows(CassandraTables.read(spark, batch, "events_by_user"), eventColumns),
        rows(CassandraTables.read(spark, target, "events_by_user"), eventColumns));

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
    try (CqlSession cql = CqlSessions.open(target)) {
      com.datastax.oss.driver.api.core.cql.Row rejected = cql.execute("SELECT raw, reason FROM quarantine").one();
      assertEquals("not a log line at all", rejected.getString(0), "the bad line, quarantined with its reason");
      assertTrue(rejected.getString(1).startsWith("not an access log line"), rejected.getString(1));
    }
    SessionRules rules = SessionRules.of(SiteConfig.defaults());
    Dataset<Row> events = CassandraTables.read(spark, target, "events_by_user")
        .filter(col("url").endsWith("/too-late").equalTo(lit(false)));
    Dataset<Row> expected = Sessions.apply(events, rules, watermark).cache();
    Dataset<Row> stored = CassandraTables.read(spark, target, "sessions_by_user");
    String[] sessionColumns = Sessions.forTable(expected).columns();
    List<String> expectedSessions = rows(Sessions.forTable(expected), sessionColumns);
    assertTrue(expectedSessions.size() > 10, expectedSessions.size() + " sessions");
    assertEquals(expectedSessions, rows(stored, sessionColumns));

    // Metrics: the batch definitions over those sessions, per day; the hours add up to the day.
    Dataset<Row> livePages = CassandraTables.read(spark, target, "live_page_metrics");
    String[] pageColumns = {"site", "landing_page", "sessions", "bounces", "bounce_rate", "engaged_sessions",
        "engaged_bounce_rate", "avg_depth", "depth_counts", "bot_sessions"};
    assertEquals(rows(Metrics.pages(expected), pageColumns),
        rows(livePages.filter(col("grain").equalTo("day")), pageColumns));
    assertEquals(rows(livePages.filter(col("grain").equalTo("day")).groupBy("landing_page").sum("sessions"),
            new String[] {"landing_page", "sum(sessions)"}),
        rows(livePages.filter(col("grain").equalTo("hour")).groupBy("landing_page").sum("sessions"),
            new String[] {"landing_page", "sum(sessions)"}));
    String[] searchColumns = {"site", "query", "searches", "searches_with_click", "search_ctr", "clicks",
        "clicks_per_search", "zero_click_searches", "search_exits"};
    assertEquals(rows(Metrics.search(expected), searchColumns),
        rows(CassandraTables.read(spark, target, "live_search_metrics").filter(col("grain").equalTo("day")),
            searchColumns));
    expected.unpersist();
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
}
