package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.UserException;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trailcast metrics pages|search|sessions}: the aggregate tables for a window, for people or scripts. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = "Print bounce per landing page (pages: day,site,landing_page,sessions,bounces,bounce_rate,"
        + "engaged_bounce_rate,avg_depth,engaged_sessions,bot_sessions,depth_counts), search CTR (search: day,site,"
        + "query,searches,searches_with_click,search_ctr,clicks_per_search,clicks,zero_click_searches,search_exits; "
        + "query * is the day's total) or the day's sessions (sessions: day,site,sessions,users,"
        + "sessions_with_pageview,pageviews,bounces,bounce_rate,engaged_sessions,engaged_bounce_rate,avg_depth,"
        + "avg_duration_ms,conversions,conversion_rate,searches,bot_sessions,end_reasons) per day. Rates are null "
        + "when there is nothing to divide by. Bots are excluded and counted apart (bot_sessions).")
public final class MetricsCommand implements Callable<Integer> {
  private static final List<String> PAGES = List.of("day", "site", "landing_page", "sessions", "bounces",
      "bounce_rate", "engaged_bounce_rate", "avg_depth", "engaged_sessions", "bot_sessions", "depth_counts");
  private static final List<String> SEARCH = List.of("day", "site", "query", "searches", "searches_with_click",
      "search_ctr", "clicks_per_search", "clicks", "zero_click_searches", "search_exits");
  private static final List<String> SESSIONS = List.of("day", "site", "sessions", "users", "sessions_with_pageview",
      "pageviews", "bounces", "bounce_rate", "engaged_sessions", "engaged_bounce_rate", "avg_depth",
      "avg_duration_ms", "conversions", "conversion_rate", "searches", "bot_sessions", "end_reasons");

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Parameters(paramLabel = "WHAT", description = "pages, search or sessions.")
  String what;

  @Mixin
  DaysOptions days;

  @Option(names = "--site", paramLabel = "S", description = "Only this site (default: every site).")
  String site;

  @Option(names = "--per-query", description = "search: one row per query as well as the day's total (query *).")
  boolean perQuery;

  @Option(names = "--format", paramLabel = "F", defaultValue = "table",
      description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
  OutputFormat format;

  @Override
  public Integer call() {
    LocalDate last = days.to();
    List<List<Object>> rows;
    List<String> columns;
    try (Store store = cluster.store()) {
      CqlSession session = store.cql();
      switch (what) {
        case "pages" -> {
          columns = PAGES;
          rows = perDay(session, "page_metrics_by_day", "", last, columns);
        }
        case "search" -> {
          columns = SEARCH;
          rows = perDay(session, "search_metrics_by_day", perQuery ? "" : " AND query = '*'", last, columns);
        }
        case "sessions" -> {
          columns = SESSIONS;
          rows = sessions(session, last, columns);
        }
        default -> throw new UserException("unknown metrics '" + what + "': use pages, search or sessions");
      }
    }
    RowPrinter.print(spec.commandLine().getOut(), format, columns, rows);
    return 0;
  }

  /** Tables partitioned by (site, day). */
  private List<List<Object>> perDay(CqlSession session, String table, String filter, LocalDate last,
      List<String> columns) {
    List<List<Object>> rows = new ArrayList<>();
    List<String> sites = sites(session, "SELECT DISTINCT site, day FROM " + table);
    for (LocalDate day = days.from(); !day.isAfter(last); day = day.plusDays(1)) {
      for (String s : sites) {
        rows.addAll(values(session.execute(SimpleStatement.newInstance("SELECT " + String.join(", ", columns)
            + " FROM " + table + " WHERE site = ? AND day = ?" + filter, s, day)), columns.size()));
      }
    }
    return rows;
  }

  /** session_metrics_by_day, partitioned by (site, month). */
  private List<List<Object>> sessions(CqlSession session, LocalDate last, List<String> columns) {
    List<List<Object>> rows = new ArrayList<>();
    List<String> sites = sites(session, "SELECT DISTINCT site, month FROM session_metrics_by_day");
    YearMonth first = YearMonth.from(days.from());
    for (YearMonth month = first; !month.isAfter(YearMonth.from(last)); month = month.plusMonths(1)) {
      for (String s : sites) {
        rows.addAll(values(session.execute(SimpleStatement.newInstance("SELECT " + String.join(", ", columns)
            + " FROM session_metrics_by_day WHERE site = ? AND month = ? AND day >= ? AND day <= ?", s,
            month.toString(), days.from(), last)), columns.size()));
      }
    }
    rows.sort(java.util.Comparator.comparing(r -> (LocalDate) r.get(0)));
    return rows;
  }

  private List<String> sites(CqlSession session, String distinct) {
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
