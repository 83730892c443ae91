package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.ingest.ArrivalDelays;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data-quality figures of each day, as {@code quality} prints them and the report's panel shows them:
 * what ingest made of the day's lines ({@code ingest_days}), the day's sessions and how they ended
 * ({@code session_metrics_by_day}, every site), late events as the aggregate counted them ({@code aggregated_days})
 * and as ingest wrote them, with how late those were ({@code ingest_days}), how long the day's events took to
 * arrive (percentiles of the sources' merged sketches, {@code ingest_days}), the identity links
 * quarantined by the identity run over the day ({@code job_runs}), and the share of pageviews without a
 * known theme ({@code user_daily}).
 */
final class QualityTable {
  static final List<String> COLUMNS = List.of("day", "lines", "written", "duplicates", "quarantined",
      "quarantined_by_reason", "bot_events", "bot_events_by_rule", "sessions", "bot_sessions",
      "bot_sessions_by_rule", "sessions_without_pageview", "end_reasons", "late_events", "late_arrivals",
      "late_delay_p50_s", "late_delay_p90_s", "late_delay_p99_s", "late_delay_max_s", "arrival_delay_p50_s",
      "arrival_delay_p90_s", "arrival_delay_p99_s", "arrival_delay_max_s", "quarantined_identity_links", "pageviews",
      "unknown_theme_share");
  /** The columns the report's chart shows: what did not become a clean event. */
  static final List<String> CHARTED = List.of("quarantined", "duplicates", "bot_events", "late_events");
  private static final int SESSIONS = MetricsTables.SESSIONS.indexOf("sessions");
  private static final int BOT_SESSIONS = MetricsTables.SESSIONS.indexOf("bot_sessions");
  private static final int WITH_PAGEVIEW = MetricsTables.SESSIONS.indexOf("sessions_with_pageview");
  private static final int PAGEVIEWS = MetricsTables.SESSIONS.indexOf("pageviews");
  private static final int END_REASONS = MetricsTables.SESSIONS.indexOf("end_reasons");
  private static final int BOT_RULES = MetricsTables.SESSIONS.indexOf("bot_rules");

  private QualityTable() {
  }

  /** One row per day of {@code from..to} with anything to say, in {@link #COLUMNS} order. */
  static List<List<Object>> read(CqlSession cql, LocalDate from, LocalDate to) {
    List<List<Object>> rows = new ArrayList<>();
    Map<LocalDate, Long> identityLinks = identityLinks(cql, from, to);
    // The window's session rows, every site, read once: per day, its sites' rows.
    Map<LocalDate, List<List<Object>>> sessionDays = new TreeMap<>();
    for (List<Object> siteDay : MetricsTables.sessions(cql, from, to, null)) {
      sessionDays.computeIfAbsent((LocalDate) siteDay.get(0), d -> new ArrayList<>()).add(siteDay);
    }
    // Per day: pageviews, and those with a known theme.
    Map<LocalDate, long[]> themed = new TreeMap<>();
    UserDailyRows.forEach(cql, from, to, row -> {
      long[] sums = themed.computeIfAbsent(row.getLocalDate(0), d -> new long[2]);
      sums[0] += row.isNull(1) ? 0 : row.getLong(1);
      sums[1] += row.getMap(2, String.class, Long.class).values().stream().mapToLong(Long::longValue).sum();
    });
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      long lines = 0;
      long written = 0;
      long duplicates = 0;
      Map<String, Long> quarantined = new TreeMap<>();
      Map<String, Long> bots = new TreeMap<>();
      List<byte[]> delays = new ArrayList<>();
      long lateArrivals = 0;
      List<byte[]> lateDelays = new ArrayList<>();
      for (Row r : cql.execute(SimpleStatement.newInstance("SELECT lines, written, duplicates, quarantined, "
          + "bot_events, arrival_delay, late_events, late_delay FROM ingest_days WHERE day = ?", day))) {
        lines += r.getLong(0);
        written += r.getLong(1);
        duplicates += r.getLong(2);
        r.getMap(3, String.class, Long.class).forEach((k, n) -> quarantined.merge(k, n, Long::sum));
        r.getMap(4, String.class, Long.class).forEach((k, n) -> bots.merge(k, n, Long::sum));
        addSketch(r, 5, delays);
        // A row written before late arrivals were counted has none.
        lateArrivals += r.isNull(6) ? 0 : r.getLong(6);
        addSketch(r, 7, lateDelays);
      }
      long sessions = 0;
      long botSessions = 0;
      long withPageview = 0;
      long pageviews = 0;
      Map<String, Long> endReasons = new TreeMap<>();
      Map<String, Long> botRules = new TreeMap<>();
      for (List<Object> siteDay : sessionDays.getOrDefault(day, List.of())) {
        sessions += (Long) siteDay.get(SESSIONS);
        botSessions += (Long) siteDay.get(BOT_SESSIONS);
        withPageview += (Long) siteDay.get(WITH_PAGEVIEW);
        pageviews += (Long) siteDay.get(PAGEVIEWS);
        ((Map<?, ?>) siteDay.get(END_REASONS)).forEach((k, n) -> endReasons.merge((String) k, (Long) n, Long::sum));
        if (siteDay.get(BOT_RULES) instanceof Map<?, ?> rules) {
          // A day aggregated before the rules were counted has none.
          rules.forEach((k, n) -> botRules.merge((String) k, (Long) n, Long::sum));
        }
      }
      Row aggregated = cql.execute(SimpleStatement.newInstance("SELECT late_events FROM aggregated_days WHERE day = ?",
          day)).one();
      if (lines == 0 && sessions == 0 && aggregated == null) {
        continue;
      }
      long[] views = themed.getOrDefault(day, new long[2]);
      List<Object> row = new ArrayList<>(List.of(day, lines, written, duplicates, sum(quarantined), quarantined,
          sum(bots), bots, sessions, botSessions, botRules, sessions - withPageview, endReasons,
          aggregated == null || aggregated.isNull(0) ? 0L : aggregated.getLong(0), lateArrivals));
      addPercentiles(row, lateDelays);
      addPercentiles(row, delays);
      row.add(identityLinks.getOrDefault(day, 0L));
      row.add(pageviews);
      row.add(views[0] == 0 ? "" : (Object) ((double) (views[0] - views[1]) / views[0]));
      rows.add(row);
    }
    return rows;
  }

  private static void addSketch(Row r, int column, List<byte[]> into) {
    if (!r.isNull(column)) {
      into.add(ArrivalDelays.bytes(r.getByteBuffer(column)));
    }
  }

  /** The merged sketches' {@link ArrivalDelays#RANKS} percentiles and maximum, in whole seconds; blank if none. */
  private static void addPercentiles(List<Object> row, List<byte[]> sketches) {
    double[] delay = ArrivalDelays.percentiles(sketches);
    for (int i = 0; i <= ArrivalDelays.RANKS.length; i++) {
      row.add(delay == null ? "" : (Object) Math.round(delay[i]));
    }
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Identity links quarantined per day: the newest {@code identities} run whose window holds the day
   * counts them for the whole window, so a day of a longer run shows that run's figure.
   */
  private static Map<LocalDate, Long> identityLinks(CqlSession cql, LocalDate from, LocalDate to) {
    Map<LocalDate, Long> links = new TreeMap<>();
    Map<LocalDate, java.time.Instant> newest = new TreeMap<>();
    for (YearMonth month = YearMonth.from(from).minusMonths(1); !month.isAfter(YearMonth.now().plusMonths(1));
        month = month.plusMonths(1)) {
      for (Row r : cql.execute(SimpleStatement.newInstance("SELECT started_at, window_from, window_to, status, counts "
          + "FROM job_runs WHERE job = 'identities' AND month = ?", month.toString()))) {
        if (!"succeeded".equals(r.getString(3)) || r.isNull(1)) {
          continue;
        }
        LocalDate runTo = r.isNull(2) ? r.getLocalDate(1) : r.getLocalDate(2);
        Long quarantined = r.getMap(4, String.class, Long.class).get("quarantined_edges");
        for (LocalDate day = r.getLocalDate(1); !day.isAfter(runTo); day = day.plusDays(1)) {
          if (day.isBefore(from) || day.isAfter(to) || quarantined == null) {
            continue;
          }
          if (!newest.containsKey(day) || newest.get(day).isBefore(r.getInstant(0))) {
            newest.put(day, r.getInstant(0));
            links.put(day, quarantined);
          }
        }
      }
    }
    return links;
  }
}
