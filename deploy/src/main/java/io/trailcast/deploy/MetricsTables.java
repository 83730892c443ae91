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
      "bounce_rate", "engaged_bounce_rate", "avg_depth", "engaged_sessions", "bot_sessions", "depth_counts");
  static final List<String> SEARCH = List.of("day", "site", "query", "searches", "searches_with_click",
      "search_ctr", "clicks_per_search", "clicks", "zero_click_searches", "search_exits");
  static final List<String> SESSIONS = List.of("day", "site", "sessions", "users", "sessions_with_pageview",
      "pageviews", "bounces", "bounce_rate", "engaged_sessions", "engaged_bounce_rate", "avg_depth",
      "avg_duration_ms", "conversions", "conversion_rate", "searches", "bot_sessions", "bot_rules", "end_reasons");


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
