package io.trailcast.ingest;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The ingest job end to end: real files, real Spark, the real embedded Cassandra. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestJobIT {
  @TempDir
  static Path tmp;
  private static CassandraTarget target;
  private static SparkSession spark;
  private static Simulator.Summary simulated;

  @BeforeAll
  static void setUp() {
    target = TestCassandra.keyspaceFor(IngestJobIT.class);
    spark = TestSpark.connectedTo(target);
    simulated = new Simulator(new SimulationConfig(150, 2, LocalDate.of(2026, 1, 5), 3, LogFormat.COMBINED, 0.02,
        true, ZoneId.of("UTC"), tmp.resolve("sim"))).run();
  }

  private static IngestResult ingest(List<String> inputs) {
    return IngestJob.run(spark, store(target), new IngestConfig(inputs, InputFormat.AUTO, SiteConfig.defaults(), "salt",
        null, null, false));
  }

  @Test
  @Order(1)
  void simulatedLogsLandWithEveryCorruptLineQuarantined() {
    IngestResult result = ingest(List.of(tmp.resolve("sim/logs").toString()));
    assertEquals(simulated.lines(), result.read());
    assertEquals(simulated.events(), result.written(), "the simulator writes no line twice");
    assertEquals(simulated.corruptLines(), result.quarantined());
    assertEquals(0, result.duplicates());
    assertEquals(2, result.files().size());
    try (CqlSession session = CqlSessions.open(target)) {
      assertEquals(simulated.events(), count(session, "events_by_user"));
      assertEquals(simulated.corruptLines(), count(session, "quarantine"));
      Row run = session.execute("SELECT status, counts FROM job_runs").one();
      assertEquals("succeeded", run.getString("status"));
      assertEquals(simulated.lines(), run.getMap("counts", String.class, Long.class).get("read"));
    }
  }

  @Test
  @Order(2)
  void rerunAndOverlappingInputLeaveTheTablesUnchanged() throws IOException {
    List<String> before = snapshot("*");
    IngestResult again = ingest(List.of(tmp.resolve("sim/logs").toString()));
    assertEquals(simulated.events(), again.written());
    List<String> rerun = snapshot("*");
    assertEquals(before.size(), rerun.size());
    assertTrue(before.equals(rerun), "a rerun writes the very same rows");

    Path copy = tmp.resolve("copy");
    Files.createDirectories(copy);
    Path day = simulated.logs().get(0);
    Files.copy(day, copy.resolve("renamed.log.gz"));
    IngestResult overlap = ingest(List.of(day.toString(), copy.toString()));
    assertEquals(overlap.read() / 2, overlap.duplicates() + overlap.quarantined() / 2,
        "every good line of the copy is a duplicate");
    // The overlapping copy may now be named as an event's source; the events themselves are the same.
    List<String> keys = snapshot("user_id, day, ts, event_id").stream().filter(r -> r.startsWith("K")).toList();
    assertEquals(simulated.events(), keys.size());
    assertTrue(keys.equals(before.stream().filter(r -> r.startsWith("E")).map(IngestJobIT::key).sorted().toList()),
        "no event twice");
  }

  @Test
  @Order(3)
  void realApacheLogKeepsEveryLineButTheTruncatedOne() {
    Path log = Path.of(System.getProperty("trailcast.root", ".")).resolve("../shared/data/apache-combined-elastic/"
        + "access.log").normalize();
    assumeTrue(Files.isRegularFile(log), "../shared/data is not beside this checkout");
    IngestResult result = ingest(List.of(log.toString()));
    assertEquals(10_000, result.read());
    assertEquals(1, result.quarantined());
    assertEquals(19, result.duplicates(), "17 lines logged more than once (one of them 4 times)");
    assertEquals(9_980, result.written());
    assertTrue(result.bots() > 1_000, "feed pollers and crawlers: " + result.bots());
    try (CqlSession session = CqlSessions.open(target)) {
      Row bad = session.execute("SELECT line, reason, raw FROM quarantine WHERE source = ? AND bucket = 0",
          "file:" + log).one();
      assertEquals(8_899, bad.getLong("line"));
      assertEquals("truncated: unterminated user agent", bad.getString("reason"));
      assertTrue(bad.getString("raw").startsWith("[ip] - - [20/May/2015:12:05:17 +0000] \"GET /scripts/"),
          "kept for a person to read, without its address: " + bad.getString("raw"));
    }
  }

  @Test
  @Order(4)
  void inputsWithoutDataCountZero() throws IOException {
    Path empty = Files.writeString(tmp.resolve("empty.log"), "");
    Path headers = Files.writeString(tmp.resolve("headers.log"), "#Software: IIS\n#Fields: date time c-ip\n");
    IngestResult result = ingest(List.of(empty.toString(), headers.toString()));
    assertEquals(0, result.read());
    assertEquals(0, result.written());
    assertEquals(2, result.files().size());
  }

  @Test
  @Order(5)
  void anotherSaltIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path log = Files.writeString(tmp.resolve("salted.log"), "203.0.113.9 - - [05/Jan/2026:10:00:00 +0000] \"GET /a "
        + "HTTP/1.1\" 200 10 \"-\" \"UA\"\n");
    List<String> before = snapshot("*");
    io.trailcast.core.UserException refused = org.junit.jupiter.api.Assertions.assertThrows(
        io.trailcast.core.UserException.class, () -> IngestJob.run(spark, store(target), new IngestConfig(
            List.of(log.toString()), InputFormat.AUTO, SiteConfig.defaults(), "another salt", null, null, false)));
    assertTrue(refused.getMessage().startsWith("keyspace " + target.keyspace() + " was hashed with another salt"),
        refused.getMessage());
    assertEquals(before, snapshot("*"));
  }

  @Test
  @Order(6)
  void everyPhysicalLineIsAccountedForPerFileAndALostOneFailsTheRun() throws IOException {
    String page = "203.0.113.%d - - [05/Jan/2026:10:00:%02d +0000] \"GET /p%d HTTP/1.1\" 200 10 \"-\" \"UA\"";
    Path first = Files.writeString(tmp.resolve("first.log"), String.join("\n", String.format(page, 1, 1, 1), "",
        String.format(page, 1, 1, 1), "garbage", "  ", String.format(page, 2, 2, 2)) + "\n");
    Path second = Files.writeString(tmp.resolve("second.log"), String.format(page, 1, 1, 1) + "\n"
        + String.format(page, 3, 3, 3) + "\n");
    IngestResult result = ingest(List.of(first.toString(), second.toString()));
    assertEquals(8, result.lines());
    assertEquals(2, result.blank());
    assertEquals(List.of(3L, 2L, 1L), List.of(result.written(), result.duplicates(), result.quarantined()),
        "a line twice in a file and once more in another: one event, two duplicates");

    // A row lost between the readers and the writers, as a bug would lose it: the run fails and says where.
    IllegalStateException lost = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> IngestJob.run(spark, store(target), new IngestConfig(List.of(second.toString()), InputFormat.AUTO,
            SiteConfig.defaults(), "salt", null, null, false), rows -> rows.filter(
                org.apache.spark.sql.functions.col("url").endsWith("/p3").equalTo(false)
                    .or(org.apache.spark.sql.functions.col("url").isNull()))));
    assertTrue(lost.getMessage().matches("counts do not add up: file:.*second\\.log: 2 lines read, 0 blank, 1 "
        + "written, 0 duplicates, 0 quarantined, 0 outside the window, 0 suppressed: 1 unaccounted"),
        lost.getMessage());
    try (CqlSession session = CqlSessions.open(target)) {
      List<String> statuses = new ArrayList<>();
      session.execute("SELECT status FROM job_runs").forEach(r -> statuses.add(r.getString(0)));
      assertTrue(statuses.contains("failed"), statuses.toString());
    }
  }

  /**
   * The presets detected per file and the site's own format string, through the whole job: every
   * line an event or a quarantine row with its reason, the hosts each format names kept.
   */
  @Test
  @Order(7)
  void presetsAreDetectedPerFileAndTheSitesOwnFormatStringIsRead() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("formats"));
    Files.writeString(dir.resolve("alb.log"), String.join("\n",
        "https 2026-01-06T10:00:00.100000Z app/shop/1 203.0.113.21:4000 10.0.0.9:80 0.0 0.01 0.0 200 200 30 512 "
            + "\"GET https://alb.example.com:443/music/jazz HTTP/1.1\" \"Mozilla/5.0 (X11)\" - - tg \"Root=1\" "
            + "\"alb.example.com\" \"-\" 0 2026-01-06T10:00:00.090000Z \"forward\" \"-\" \"-\" \"10.0.0.9:80\" "
            + "\"200\" \"-\" \"-\" TID_1",
        "https 2026-01-06T10:00:05.100000Z app/shop/1 203.0.113.21:4000 10.0.0.9:80 0.0 0.01 0.0 2x0 200 30 512 "
            + "\"GET https://alb.example.com:443/music HTTP/1.1\" \"Mozilla/5.0 (X11)\" - -") + "\n");
    Files.writeString(dir.resolve("caddy.log"), String.join("\n",
        "{\"level\":\"info\",\"ts\":1767693600.25,\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\","
            + "\"request\":{\"remote_ip\":\"203.0.113.22\",\"method\":\"GET\",\"host\":\"caddy.example.com\","
            + "\"uri\":\"/travel/lisbon\",\"headers\":{\"User-Agent\":[\"Mozilla/5.0 (Mac)\"]}},\"status\":200,"
            + "\"size\":900}",
        "{\"level\":\"info\",\"ts\":1767693601.0,\"logger\":\"tls.obtain\",\"msg\":\"certificate obtained\"}")
        + "\n");
    Files.writeString(dir.resolve("cloudfront.log"), String.join("\n", "#Version: 1.0",
        "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) "
            + "cs(User-Agent) cs-uri-query x-host-header",
        String.join("\t", "2026-01-06", "10:00:10", "LHR62-C2", "2390", "203.0.113.23", "GET",
            "d111.cloudfront.net", "/food/pasta", "200", "-", "Mozilla/5.0%20(Windows)", "-", "cdn.example.com"))
        + "\n");
    IngestResult presets = ingest(List.of(dir.toString()));
    assertEquals(List.of("alb", "caddy", "w3c"), presets.files().values().stream().map(InputFormat::label).sorted()
        .toList());
    assertEquals(List.of(3L, 2L), List.of(presets.written(), presets.quarantined()));

    // nginx with its request time and upstream fields, from the site config's log_format.
    Path nginx = Files.writeString(tmp.resolve("nginx-custom.log"), String.join("\n",
        "10.0.0.5 - - [06/Jan/2026:11:00:00 +0000] \"GET /music/rock HTTP/1.1\" 200 51 \"-\" \"Mozilla/5.0\" "
            + "\"198.51.100.24\" 0.012 \"0.011\"",
        "10.0.0.5 - - [06/Jan/2026:11:00:07 +0000] \"GET /music/pop HTTP/1.1\" 200 51 \"-\" \"Mozilla/5.0\""),
        java.nio.charset.StandardCharsets.UTF_8);
    SiteConfig site = SiteConfig.defaults().withLogFormat("$remote_addr - $remote_user [$time_local] \"$request\" "
        + "$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\" $request_time "
        + "\"$upstream_response_time\"");
    IngestResult own = IngestJob.run(spark, store(target), new IngestConfig(List.of(nginx.toString()),
        InputFormat.of("auto", site), site, "salt", null, null, false));
    assertEquals(List.of(1L, 1L), List.of(own.written(), own.quarantined()));
    try (CqlSession session = CqlSessions.open(target)) {
      List<String> hosts = new ArrayList<>();
      for (Row row : session.execute("SELECT url FROM events_by_user")) {
        String url = row.getString(0);
        if (url.contains("example.com") || url.endsWith("/music/rock")) {
          hosts.add(url);
        }
      }
      hosts.sort(null);
      assertEquals(List.of("alb.example.com/music/jazz", "caddy.example.com/travel/lisbon",
          "cdn.example.com/food/pasta", "www.trailmag.com/music/rock"), hosts);
      List<String> reasons = new ArrayList<>();
      for (Row row : session.execute("SELECT source, reason FROM quarantine")) {
        if (row.getString(0).contains("formats/") || row.getString(0).contains("nginx-custom")) {
          reasons.add(row.getString(1));
        }
      }
      reasons.sort(null);
      assertEquals(List.of("bad status '2x0'", "does not match the log format",
          "not a Caddy access log entry (logger 'tls.obtain')"), reasons);
    }
  }

  private static long count(CqlSession session, String table) {
    return session.execute("SELECT count(*) FROM " + table).one().getLong(0);
  }

  /** The given columns of every event row, and every quarantine row, as text, sorted. */
  private static List<String> snapshot(String eventColumns) {
    List<String> rows = new ArrayList<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (Row row : session.execute("SELECT " + eventColumns + " FROM events_by_user")) {
        rows.add(eventColumns.equals("*") ? "E" + row.getFormattedContents() : "K" + row.getFormattedContents());
      }
      for (Row row : session.execute("SELECT * FROM quarantine")) {
        rows.add("Q" + row.getFormattedContents());
      }
    }
    rows.sort(null);
    return rows;
  }

  /** An event row's key columns, as {@code snapshot("user_id, day, ts, event_id")} prints them. */
  private static String key(String row) {
    if (!row.startsWith("E")) {
      return row;
    }
    String[] parts = row.substring(2, row.length() - 1).split(", ");
    return "K[" + parts[0] + ", " + parts[1] + ", " + parts[2] + ", " + parts[3] + "]";
  }
}
