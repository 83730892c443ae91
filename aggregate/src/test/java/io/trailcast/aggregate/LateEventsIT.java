package io.trailcast.aggregate;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.EventDays;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events that arrive after their day was aggregated: counted, merged, and no stale session left behind. */
class LateEventsIT {
  private static final LocalDate DAY = LocalDate.of(2026, 1, 5);
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
  @TempDir
  static Path tmp;
  private static CassandraTarget target;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    target = TestCassandra.keyspaceFor(LateEventsIT.class);
    spark = TestSpark.connectedTo(target);
  }

  @Test
  void aLateEventMergesTwoSessionsAndTheRunSaysSo() throws IOException {
    ingest("first.log", line("10:00:00", "/a"), line("10:05:00", "/b"), line("11:00:00", "/c"),
        line("11:01:00", "/d"));
    // What sizes the run (one shuffle partition): one visitor's day in the index, the day after empty.
    assertEquals(1, EventDays.userDays(store(target).cql(), DAY, DAY.plusDays(1), 100));
    SessionRules rules = SessionRules.of(SiteConfig.defaults());
    AggregateJob.Result first = AggregateJob.run(spark, store(target), DAY, DAY, rules);
    assertEquals(2, first.sessions(), "a 55-minute gap splits the visit");
    assertEquals(0, first.lateEvents(), "nothing was aggregated before");
    assertEquals(0, first.sessionsChanged());
    assertEquals(List.of("10:00 /a /b 2", "11:00 /c /d 2"), storedSessions());

    // 10:30 arrives late: 10:05 → 10:30 → 11:00 has no gap over 30 minutes, so one session. The file also
    // has a copy of a line stored before: written again, not late.
    java.time.Instant lateSent = java.time.Instant.now();
    ingest("late.log", line("10:30:00", "/late"), line("10:00:00", "/a"));
    long lateTs = java.time.Instant.parse("2026-01-05T10:30:00Z").getEpochSecond();
    String bounds = (lateSent.getEpochSecond() - lateTs) + ".."
        + (java.time.Instant.now().getEpochSecond() + 1 - lateTs);
    assertEquals(List.of("first.log 4 4 0 -", "late.log 2 2 1 " + bounds), ingestDays(bounds),
        "ingest counts the late arrival and how late it was");
    AggregateJob.Result second = AggregateJob.run(spark, store(target), DAY, DAY, rules);
    assertEquals(1, second.sessions());
    assertEquals(1, second.lateEvents());
    assertEquals(2, second.sessionsChanged(), "the first session grew and the second is gone");
    assertEquals(List.of("10:00 /a /d 5"), storedSessions(), "the merged session replaced both rows");
    try (CqlSession session = CqlSessions.open(target)) {
      Row daily = session.execute("SELECT sessions, events, pageviews, bounces FROM user_daily").one();
      assertEquals(List.of(1L, 5L, 5L, 0L), List.of(daily.getLong(0), daily.getLong(1), daily.getLong(2),
          daily.getLong(3)));
      Row metrics = session.execute("SELECT sessions, pageviews, end_reasons FROM session_metrics_by_day "
          + "WHERE site = 'default' AND month = '2026-01' AND day = ?", DAY).one();
      assertEquals(1L, metrics.getLong(0));
      assertEquals(5L, metrics.getLong(1));
      assertEquals(1, metrics.getMap(2, String.class, Long.class).values().stream().mapToLong(Long::longValue).sum());
      Row run = session.execute("SELECT counts FROM job_runs WHERE job = 'aggregate' AND month = ? LIMIT 1",
          java.time.YearMonth.now().toString()).one();
      assertEquals(1L, run.getMap(0, String.class, Long.class).get("late_events"), "recorded in job_runs");
    }

    // The late file again: its events are stored now, so nothing is late.
    ingest("late.log", line("10:30:00", "/late"), line("10:00:00", "/a"));
    assertEquals(List.of("first.log 4 4 0 -", "late.log 2 2 0 -"), ingestDays("0..0"),
        "a rerun's events are not late");
    AggregateJob.Result again = AggregateJob.run(spark, store(target), DAY, DAY, rules);
    assertEquals(0, again.lateEvents(), "a rerun with nothing new");
    assertEquals(0, again.sessionsChanged());
    assertEquals(List.of("10:00 /a /d 5"), storedSessions());
  }

  @Test
  void aDayIsReadThroughItsIndexNotByAScan() {
    String plan = EventDays.events(spark, target, DAY, DAY.plusDays(1), Sessions.EVENT_COLUMNS).queryExecution()
        .executedPlan().toString();
    assertTrue(plan.contains("MapPartitions"), plan);
    assertFalse(plan.contains("BatchScan"), "no table scan: " + plan);
  }

  private static List<String> storedSessions() {
    List<String> rows = new ArrayList<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (Row row : session.execute("SELECT session_start, landing_page, exit_page, events FROM sessions_by_user")) {
        rows.add(row.getInstant(0).toString().substring(11, 16) + " " + path(row.getString(1)) + " "
            + path(row.getString(2)) + " " + row.getInt(3));
      }
    }
    return rows;
  }

  /**
   * The day's ingest_days rows: file, lines, written, late arrivals, and the late delay sketch's one value,
   * shown as {@code bounds} ("LOW..HIGH" seconds) when it lies within them, else as its percentiles.
   */
  private static List<String> ingestDays(String bounds) {
    List<String> rows = new ArrayList<>();
    long low = Long.parseLong(bounds.substring(0, bounds.indexOf('.')));
    long high = Long.parseLong(bounds.substring(bounds.lastIndexOf('.') + 1));
    try (CqlSession session = CqlSessions.open(target)) {
      for (Row r : session.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance("SELECT source, "
          + "lines, written, late_events, late_delay FROM ingest_days WHERE day = ?", DAY))) {
        String delay = "-";
        if (!r.isNull(4)) {
          double[] p = io.trailcast.ingest.ArrivalDelays.percentiles(List.of(
              io.trailcast.ingest.ArrivalDelays.bytes(r.getByteBuffer(4))));
          delay = p[0] == p[3] && p[0] >= low && p[0] <= high ? bounds : java.util.Arrays.toString(p);
        }
        rows.add(r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1) + " " + r.getLong(1) + " "
            + r.getLong(2) + " " + r.getLong(3) + " " + delay);
      }
    }
    rows.sort(null);
    return rows;
  }

  private static String path(String url) {
    return url.substring(url.indexOf('/'));
  }

  private static String line(String time, String path) {
    return "81.2.69.142 - - [05/Jan/2026:" + time + " +0000] \"GET " + path + " HTTP/1.1\" 200 512 \"-\" \"" + UA
        + "\"";
  }

  private static void ingest(String name, String... lines) throws IOException {
    Path file = tmp.resolve(name);
    Files.write(file, List.of(lines));
    IngestJob.run(spark, store(target), new IngestConfig(List.of(file.toString()), InputFormat.AUTO,
        SiteConfig.defaults(),
        "salt", null, null, false));
  }
}
