package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trailcast metrics pages|search}: the aggregate tables for a window, for people or scripts. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = "Print bounce per landing page (pages: day,site,landing_page,sessions,bounces,bounce_rate,"
        + "engaged_bounce_rate,avg_depth,engaged_sessions,bot_sessions,depth_counts) or search CTR (search: day,site,"
        + "query,searches,searches_with_click,search_ctr,clicks_per_search,clicks,zero_click_searches,search_exits; "
        + "query * is the day's total) per day. Rates are null when there is nothing to divide by. Bots are "
        + "excluded and counted apart.")
public final class MetricsCommand implements Callable<Integer> {
  private static final List<String> PAGES = List.of("day", "site", "landing_page", "sessions", "bounces",
      "bounce_rate", "engaged_bounce_rate", "avg_depth", "engaged_sessions", "bot_sessions", "depth_counts");
  private static final List<String> SEARCH = List.of("day", "site", "query", "searches", "searches_with_click",
      "search_ctr", "clicks_per_search", "clicks", "zero_click_searches", "search_exits");

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Parameters(paramLabel = "WHAT", description = "pages or search.")
  String what;

  @Option(names = "--from", required = true, paramLabel = "D", description = "First day.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "D", description = "Last day (default: --from).")
  LocalDate to;

  @Option(names = "--site", paramLabel = "S", description = "Only this site (default: every site).")
  String site;

  @Option(names = "--per-query", description = "search: one row per query as well as the day's total (query *).")
  boolean perQuery;

  @Option(names = "--format", paramLabel = "F", defaultValue = "table",
      description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
  OutputFormat format;

  @Override
  public Integer call() {
    boolean pages = switch (what) {
      case "pages" -> true;
      case "search" -> false;
      default -> throw new UserException("unknown metrics '" + what + "': use pages or search");
    };
    LocalDate last = to == null ? from : to;
    List<String> columns = pages ? PAGES : SEARCH;
    String table = pages ? "page_metrics_by_day" : "search_metrics_by_day";
    List<List<Object>> rows = new ArrayList<>();
    try (CqlSession session = CqlSessions.open(cluster.target())) {
      List<String> sites = new ArrayList<>();
      if (site != null) {
        sites.add(site);
      } else {
        for (Row row : session.execute("SELECT DISTINCT site, day FROM " + table)) {
          if (!sites.contains(row.getString(0))) {
            sites.add(row.getString(0));
          }
        }
        sites.sort(null);
      }
      for (LocalDate day = from; !day.isAfter(last); day = day.plusDays(1)) {
        for (String s : sites) {
          String where = " FROM " + table + " WHERE site = ? AND day = ?" + (pages || perQuery ? ""
              : " AND query = '*'");
          for (Row row : session.execute(SimpleStatement.newInstance("SELECT " + String.join(", ", columns) + where,
              s, day))) {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
              values.add(row.getObject(i));
            }
            rows.add(values);
          }
        }
      }
    }
    RowPrinter.print(spec.commandLine().getOut(), format, columns, rows);
    return 0;
  }
}
