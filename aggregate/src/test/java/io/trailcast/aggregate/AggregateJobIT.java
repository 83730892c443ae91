package io.trailcast.aggregate;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.core.testing.TruthCsv;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Simulated logs → ingest → aggregate, against the simulator's truth, on the real embedded node. */
class AggregateJobIT {
  private static final LocalDate START = LocalDate.of(2026, 1, 5);
  @TempDir
  static Path tmp;
  private static CassandraTarget target;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    target = TestCassandra.keyspaceFor(AggregateJobIT.class);
    spark = TestSpark.connectedTo(target);
    new Simulator(new SimulationConfig(150, 2, START, 9, LogFormat.COMBINED, 0.01, false, ZoneId.of("UTC"),
        tmp)).run();
    IngestJob.run(spark, store(target), new IngestConfig(List.of(tmp.resolve("logs").toString()), InputFormat.AUTO,
        SiteConfig.defaults(), "salt", null, null, false));
  }

  @Test
  void sessionsAndMetricsMatchTheTruthAndRerunsRewriteThem() throws IOException {
    SessionRules rules = SessionRules.defaults(ZoneId.of("UTC"));
    AggregateJob.Result result = AggregateJob.run(spark, store(target), START, START.plusDays(1), rules);
    List<String[]> truth = TruthCsv.rows(tmp.resolve("truth/sessions.csv"));
    assertEquals(truth.size(), result.sessions());
    assertEquals(truth.stream().filter(t -> Boolean.parseBoolean(t[19])).count(), result.botSessions());

    Map<String, String> expectedPages = new TreeMap<>();
    Map<String, long[]> expectedSearch = new TreeMap<>();
    for (String[] t : truth) {
      if (Boolean.parseBoolean(t[19])) {
        continue;
      }
      long[] search = expectedSearch.computeIfAbsent(t[3], d -> new long[2]);
      search[0] += Long.parseLong(t[14]);
      search[1] += Long.parseLong(t[15]);
      if (Integer.parseInt(t[9]) >= 1) {
        expectedPages.merge(t[3] + " " + t[7], "1 " + (Boolean.parseBoolean(t[12]) ? 1 : 0) + " "
            + (Boolean.parseBoolean(t[13]) ? 1 : 0), AggregateJobIT::add);
      }
    }
    assertEquals(expectedPages, pageMetrics());
    try (CqlSession session = CqlSessions.open(target)) {
      for (Map.Entry<String, long[]> day : expectedSearch.entrySet()) {
        Row row = session.execute("SELECT searches, searches_with_click, search_ctr FROM search_metrics_by_day "
            + "WHERE site = 'default' AND day = ? AND query = '*'", LocalDate.parse(day.getKey())).one();
        assertEquals(day.getValue()[0], row.getLong(0));
        assertEquals(day.getValue()[1], row.getLong(1));
        assertEquals((double) day.getValue()[1] / day.getValue()[0], row.getDouble(2), 1e-12);
        Row perQuery = session.execute("SELECT sum(searches), sum(searches_with_click) FROM search_metrics_by_day "
            + "WHERE site = 'default' AND day = ? AND query > '*'", LocalDate.parse(day.getKey())).one();
        assertEquals(day.getValue()[0], perQuery.getLong(0), "per-query rows add up to the day's searches");
        assertEquals(day.getValue()[1], perQuery.getLong(1));
      }
      long stored = session.execute("SELECT count(*) FROM sessions_by_user").one().getLong(0);
      assertEquals(truth.size(), stored);
      long events = truth.stream().mapToLong(t -> Long.parseLong(t[10])).sum();
      long pageviews = truth.stream().mapToLong(t -> Long.parseLong(t[9])).sum();
      long conversions = truth.stream().filter(t -> Boolean.parseBoolean(t[17])).count();
      long days = truth.stream().map(t -> t[2] + t[3]).distinct().count();
      long users = truth.stream().map(t -> t[2]).distinct().count();
      assertEquals(List.of(days, truth.size() * 1L, events, pageviews, conversions), totals(session,
          "SELECT count(*), sum(sessions), sum(events), sum(pageviews), sum(conversions) FROM user_daily"));
      assertEquals(List.of(users, days, events, pageviews, conversions), totals(session,
          "SELECT count(*), sum(active_days), sum(events), sum(pageviews), sum(conversions) FROM user_lifetime"));
    }

    Map<String, List<Long>> expectedDays = new TreeMap<>();
    for (String[] t : truth) {
      boolean bot = Boolean.parseBoolean(t[19]);
      boolean pageview = Integer.parseInt(t[9]) >= 1;
      List<Long> day = expectedDays.computeIfAbsent(t[3], d -> new java.util.ArrayList<>(List.of(0L, 0L, 0L, 0L)));
      day.set(0, day.get(0) + (bot ? 0 : 1));
      day.set(1, day.get(1) + (!bot && pageview && Boolean.parseBoolean(t[12]) ? 1 : 0));
      day.set(2, day.get(2) + (!bot && Boolean.parseBoolean(t[17]) ? 1 : 0));
      day.set(3, day.get(3) + (bot ? 1 : 0));
    }
    assertEquals(expectedDays, sessionMetrics(), "sessions, bounces, conversions and bot sessions per day");

    // Channels: the simulator knows what brought each of its sessions (a search engine, a social post, a
    // newsletter, a paid click, nothing); per day and channel, human sessions, those with a pageview, bounces
    // and conversions equal its truth's; the landing pages' channel counts add up to the same.
    Map<String, Map<String, List<Long>>> expectedChannels = new TreeMap<>();
    for (String[] t : truth) {
      if (Boolean.parseBoolean(t[19])) {
        continue;
      }
      boolean pageview = Integer.parseInt(t[9]) >= 1;
      List<Long> c = expectedChannels.computeIfAbsent(t[3], d -> new TreeMap<>())
          .computeIfAbsent(t[21], ch -> new java.util.ArrayList<>(List.of(0L, 0L, 0L, 0L)));
      c.set(0, c.get(0) + 1);
      c.set(1, c.get(1) + (pageview ? 1 : 0));
      c.set(2, c.get(2) + (pageview && Boolean.parseBoolean(t[12]) ? 1 : 0));
      c.set(3, c.get(3) + (Boolean.parseBoolean(t[17]) ? 1 : 0));
    }
    assertEquals(java.util.Set.of("direct", "organic_search", "paid_search", "social", "email", "campaign"),
        expectedChannels.get(START.toString()).keySet(), "the simulated channels");
    assertEquals(expectedChannels, channelMetrics());

    AggregateJob.Result rerun = AggregateJob.run(spark, store(target), START.plusDays(1), START.plusDays(1), rules);
    assertEquals(0, rerun.lateEvents(), "nothing arrived since");
    assertEquals(0, rerun.sessionsChanged(), "same events, same sessions");
    assertEquals(expectedPages, pageMetrics(), "a rerun of the second day rewrites the same metrics");
    assertEquals(expectedDays, sessionMetrics());
    try (CqlSession session = CqlSessions.open(target)) {
      long events = truth.stream().mapToLong(t -> Long.parseLong(t[10])).sum();
      assertEquals(events, ((Number) session.execute("SELECT sum(events) FROM user_lifetime").one().getObject(0))
          .longValue(), "lifetimes recomputed from all days: the same after a rerun of one");
    }
    try (CqlSession session = CqlSessions.open(target)) {
      assertEquals(truth.size(), session.execute("SELECT count(*) FROM sessions_by_user").one().getLong(0));
    }
    assertTrue(expectedPages.size() > 100, "landing pages: " + expectedPages.size());
  }

  private static List<Long> totals(CqlSession session, String cql) {
    Row row = session.execute(cql).one();
    List<Long> values = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      values.add(((Number) row.getObject(i)).longValue());
    }
    return values;
  }

  /** "day landing_page" → "sessions bounces engaged_sessions" as stored. */
  private static Map<String, String> pageMetrics() {
    Map<String, String> stored = new TreeMap<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (Row row : session.execute("SELECT day, landing_page, sessions, bounces, engaged_sessions "
          + "FROM page_metrics_by_day")) {
        if (row.getLong(2) > 0) {
          stored.put(row.getLocalDate(0) + " " + row.getString(1), row.getLong(2) + " " + row.getLong(3) + " "
              + row.getLong(4));
        }
      }
    }
    return stored;
  }

  /** "day" → [sessions, bounces, conversions, bot_sessions] as stored. */
  private static Map<String, List<Long>> sessionMetrics() {
    Map<String, List<Long>> stored = new TreeMap<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (Row row : session.execute("SELECT day, sessions, bounces, conversions, bot_sessions, bounce_rate, "
          + "sessions_with_pageview FROM session_metrics_by_day WHERE site = 'default' AND month = '2026-01'")) {
        stored.put(row.getLocalDate(0).toString(), List.of(row.getLong(1), row.getLong(2), row.getLong(3),
            row.getLong(4)));
        assertEquals((double) row.getLong(2) / row.getLong(6), row.getDouble(5), 1e-12);
      }
    }
    return stored;
  }

  /** Day → channel → [sessions, with a pageview, bounces, conversions], and the pages' sums checked against it. */
  private static Map<String, Map<String, List<Long>>> channelMetrics() {
    Map<String, Map<String, List<Long>>> stored = new TreeMap<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (Row row : session.execute("SELECT day, channel_sessions, channel_landings, channel_bounces, "
          + "channel_conversions FROM session_metrics_by_day WHERE site = 'default' AND month = '2026-01'")) {
        Map<String, List<Long>> day = new TreeMap<>();
        Map<String, Long> landings = row.getMap(2, String.class, Long.class);
        Map<String, Long> bounces = row.getMap(3, String.class, Long.class);
        Map<String, Long> conversions = row.getMap(4, String.class, Long.class);
        row.getMap(1, String.class, Long.class).forEach((channel, n) -> day.put(channel, List.of(n,
            landings.getOrDefault(channel, 0L), bounces.getOrDefault(channel, 0L),
            conversions.getOrDefault(channel, 0L))));
        stored.put(row.getLocalDate(0).toString(), day);
        Map<String, long[]> pages = new TreeMap<>();
        for (Row page : session.execute("SELECT channel_sessions, channel_bounces FROM page_metrics_by_day WHERE "
            + "site = 'default' AND day = ?", row.getLocalDate(0))) {
          page.getMap(0, String.class, Long.class)
              .forEach((c, n) -> pages.computeIfAbsent(c, k -> new long[2])[0] += n);
          page.getMap(1, String.class, Long.class)
              .forEach((c, n) -> pages.computeIfAbsent(c, k -> new long[2])[1] += n);
        }
        Map<String, List<Long>> fromPages = new TreeMap<>();
        pages.forEach((c, sums) -> fromPages.put(c, List.of(sums[0], sums[1])));
        Map<String, List<Long>> fromDay = new TreeMap<>();
        landings.forEach((c, n) -> fromDay.put(c, List.of(n, bounces.getOrDefault(c, 0L))));
        assertEquals(fromDay, fromPages, "landing pages per channel add up to the day's");
      }
    }
    return stored;
  }

  private static String add(String a, String b) {
    String[] x = a.split(" ");
    String[] y = b.split(" ");
    return (Long.parseLong(x[0]) + Long.parseLong(y[0])) + " " + (Long.parseLong(x[1]) + Long.parseLong(y[1])) + " "
        + (Long.parseLong(x[2]) + Long.parseLong(y[2]));
  }
}
