package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.UserException;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trailcast metrics pages|search|sessions|channels}: the aggregate tables for a window, for people or
 * scripts.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = "Print bounce per landing page (pages: day,site,landing_page,sessions,bounces,bounce_rate,"
        + "engaged_bounce_rate,avg_depth,engaged_sessions,bot_sessions,depth_counts,channel_sessions,"
        + "channel_bounces), search CTR (search: day,site,"
        + "query,searches,searches_with_click,search_ctr,clicks_per_search,clicks,zero_click_searches,search_exits; "
        + "query * is the day's total) or the day's sessions (sessions: day,site,sessions,users,"
        + "sessions_with_pageview,pageviews,bounces,bounce_rate,engaged_sessions,engaged_bounce_rate,avg_depth,"
        + "avg_duration_ms,conversions,conversion_rate,searches,bot_sessions,bot_rules,end_reasons) per day, or "
        + "the channels that brought them (channels: day,site,channel,sessions,share,landings,bounces,bounce_rate,"
        + "conversions,conversion_rate; direct, organic_search, paid_search, social, email, referral, campaign). "
        + "Rates "
        + "are null when there is nothing to divide by. Bots are excluded and counted apart (bot_sessions; bot_rules: "
        + "per rule that made them bots).")
public final class MetricsCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Parameters(paramLabel = "WHAT", description = "pages, search, sessions or channels.")
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
          columns = MetricsTables.PAGES;
          rows = MetricsTables.pages(session, days.from(), last, site);
        }
        case "search" -> {
          columns = MetricsTables.SEARCH;
          rows = MetricsTables.search(session, days.from(), last, site, perQuery);
        }
        case "sessions" -> {
          columns = MetricsTables.SESSIONS;
          rows = MetricsTables.sessions(session, days.from(), last, site);
        }
        case "channels" -> {
          columns = MetricsTables.CHANNELS;
          rows = MetricsTables.channels(session, days.from(), last, site);
        }
        default -> throw new UserException("unknown metrics '" + what + "': use pages, search, sessions or channels");
      }
    }
    RowPrinter.print(spec.commandLine().getOut(), format, columns, rows);
    return 0;
  }
}
