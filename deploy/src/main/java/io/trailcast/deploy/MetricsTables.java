package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The aggregate tables' rows for a window of days, as {@code metrics} prints them: one reading for the
 * command and the report, so both show the same numbers.
 */
final class MetricsTables {
  static final List<String> PAGES = List.of("day", "site", "landing_page", "sessions", "bounces",
      "bounce_rate", "engaged_bounce_rate", "avg_depth", "engaged_sessions", "bot_sessions", "depth_counts",
      "channel_sessions", "channel_bounces");
  static final List<String> SEARCH = List.of("day", "site", "query", "searches", "searches_with_click",
      "search_ctr", "clicks_per_search", "clicks", "zero_click_searches", "search_exits");
  static final List<String> SESSIONS = List.of("day", "site", "sessions", "users", "sessions_with_pageview",
      "pageviews", "bounces", "bounce_rate", "engaged_sessions", "engaged_bounce_rate", "avg_depth",
      "avg_duration_ms", "conversions", "conversion_rate", "searches", "bot_sessions", "bot_rules", "end_reasons");
  /** One row per day, site and channel that brought sessions, from session_metrics_by_day's channel maps. */
  static final List<String> CHANNELS = List.of("day", "site", "channel", "sessions", "share", "landings", "bounces",
      "bounce_rate", "conversions", "conversion_rate");
  private static final List<String> CHANNEL_MAPS = List.of("day", "site", "sessions", "channel_sessions",
      "channel_landings", "channel_bounces", "channel_conversions");


  private MetricsTables() {
  }

  /** page_metrics_by_day of {@code from..to}, every site or only {@code site}, in {@link #PAGES} order. */
  static List<List<Object>> pages(CqlSession session, LocalDate from, LocalDate to, String site) {
    return perDay(session, "page_metrics_by_day", "", from, to, site, PAGES);
  }

  /** search_metrics_by_day: the day totals (query *), and every query's row with {@code perQuery}. */
  static List<List<Object>> search(CqlSession session, LocalDate from, LocalDate to, String site, boolean perQuery) {
    return perDay(session, "search_metrics_by_day", perQuery ? "" : " AND query = '*'", from, to, site, SEARCH);
  }

  /** session_metrics_by_day of {@code from..to}, in day order, in {@link #SESSIONS} order. */
  static List<List<Object>> sessions(CqlSession session, LocalDate from, LocalDate to, String site) {
    List<List<Object>> rows = new ArrayList<>();
    List<String> sites = sites(session, "SELECT DISTINCT site, month FROM session_metrics_by_day", site);
    for (YearMonth month = YearMonth.from(from); !month.isAfter(YearMonth.from(to)); month = month.plusMonths(1)) {
      for (String s : sites) {
        rows.addAll(values(session.execute(SimpleStatement.newInstance("SELECT " + String.join(", ", SESSIONS)
            + " FROM session_metrics_by_day WHERE site = ? AND month = ? AND day >= ? AND day <= ?", s,
            month.toString(), from, to)), SESSIONS.size()));
      }
    }
    rows.sort(Comparator.comparing(r -> (LocalDate) r.get(0)));
    return rows;
  }

  /**
   * The day's sessions per channel ({@link #CHANNELS}), channels in the order of {@code Channels.ALL}: share of
   * the day's human sessions, bounce rate over the channel's sessions with a pageview, conversions per session.
   * Null rates when there is nothing to divide by; days aggregated before channels existed give no rows.
   */
  static List<List<Object>> channels(CqlSession session, LocalDate from, LocalDate to, String site) {
    List<List<Object>> rows = new ArrayList<>();
    List<String> sites = sites(session, "SELECT DISTINCT site, month FROM session_metrics_by_day", site);
    for (YearMonth month = YearMonth.from(from); !month.isAfter(YearMonth.from(to)); month = month.plusMonths(1)) {
      for (String s : sites) {
        for (Row r : session.execute(SimpleStatement.newInstance("SELECT " + String.join(", ", CHANNEL_MAPS)
            + " FROM session_metrics_by_day WHERE site = ? AND month = ? AND day >= ? AND day <= ?", s,
            month.toString(), from, to))) {
          java.util.Map<String, Long> sessions = r.getMap("channel_sessions", String.class, Long.class);
          for (String channel : io.trailcast.aggregate.sessions.Channels.ALL) {
            long n = sessions.getOrDefault(channel, 0L);
            if (n == 0) {
              continue;
            }
            long landings = r.getMap("channel_landings", String.class, Long.class).getOrDefault(channel, 0L);
            long bounces = r.getMap("channel_bounces", String.class, Long.class).getOrDefault(channel, 0L);
            long conversions = r.getMap("channel_conversions", String.class, Long.class).getOrDefault(channel, 0L);
            long total = r.getLong("sessions");
            rows.add(java.util.Arrays.asList(r.getLocalDate("day"), s, channel, n,
                total == 0 ? null : (double) n / total, landings, bounces,
                landings == 0 ? null : (double) bounces / landings, conversions, (double) conversions / n));
          }
        }
      }
    }
    rows.sort(Comparator.comparing(r -> (LocalDate) r.get(0)));
    return rows;
  }

  /**
   * One line of the window's sessions per channel over every site, largest first, with each channel's share and
   * bounce rate: {@code organic_search 1,204 (31.0 %, bounce 41 %), direct ...}.
   */
  static String channelLine(CqlSession session, LocalDate from, LocalDate to) {
    java.util.Map<String, long[]> sums = new java.util.LinkedHashMap<>();
    long total = 0;
    for (List<Object> r : channels(session, from, to, null)) {
      long[] sum = sums.computeIfAbsent((String) r.get(2), c -> new long[3]);
      sum[0] += (Long) r.get(3);
      sum[1] += (Long) r.get(5);
      sum[2] += (Long) r.get(6);
      total += (Long) r.get(3);
    }
    if (total == 0) {
      return "no sessions with a channel";
    }
    List<String> parts = new ArrayList<>();
    long all = total;
    sums.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(e ->
        parts.add(String.format(java.util.Locale.ROOT, "%s %,d (%.1f %%, bounce %s)", e.getKey(), e.getValue()[0],
            100.0 * e.getValue()[0] / all, e.getValue()[1] == 0 ? "-"
                : String.format(java.util.Locale.ROOT, "%.0f %%", 100.0 * e.getValue()[2] / e.getValue()[1]))));
    return String.join(", ", parts);
  }

  /** Tables partitioned by (site, day). */
  private static List<List<Object>> perDay(CqlSession session, String table, String filter, LocalDate from,
      LocalDate to, String site, List<String> columns) {
    List<List<Object>> rows = new ArrayList<>();
    List<String> sites = sites(session, "SELECT DISTINCT site, day FROM " + table, site);
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      for (String s : sites) {
        rows.addAll(values(session.execute(SimpleStatement.newInstance("SELECT " + String.join(", ", columns)
            + " FROM " + table + " WHERE site = ? AND day = ?" + filter, s, day)), columns.size()));
      }
    }
    return rows;
  }

  private static List<String> sites(CqlSession session, String distinct, String site) {
    if (site != null) {
      return List.of(site);
    }
    List<String> sites = new ArrayList<>();
    for (Row row : session.execute(distinct)) {
      if (!sites.contains(row.getString(0))) {
        sites.add(row.getString(0));
      }
    }
    sites.sort(null);
    return sites;
  }

  private static List<List<Object>> values(Iterable<Row> result, int width) {
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : result) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < width; i++) {
        values.add(row.getObject(i));
      }
      rows.add(values);
    }
    return rows;
  }
}
