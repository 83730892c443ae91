package io.trailcast.deploy;

import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.ingest.SiteConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast aggregate --from D --to D}: sessions, bounce and search metrics for a window. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = "Cut the events of the days into sessions (sessions_by_user), compute bounce per landing page "
        + "(page_metrics_by_day), search CTR (search_metrics_by_day) and per-user aggregates (user_daily, "
        + "user_lifetime). Rerunning a window rewrites its rows.")
public final class AggregateCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  WindowOptions window;

  @Override
  public Integer call() {
    CassandraTarget target = cluster.target();
    AggregateJob.Result result = AggregateJob.run(SparkSessions.create("aggregate", target), target, window.from(),
        window.to(), window.rules());
    spec.commandLine().getOut().println(result.line());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The days and session rules of an aggregate run, shared with {@code pipeline}. */
  static final class WindowOptions {
    @Option(names = "--from", required = true, paramLabel = "D", description = "First day (site time zone).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "D", description = "Last day (default: --from).")
    LocalDate to;

    @Option(names = "--session-gap", paramLabel = "DURATION",
        description = "Inactivity that ends a session, e.g. 30m, 10m, 1h (default: 30m).")
    String sessionGap;

    @Option(names = "--site-config", paramLabel = "FILE", description = "The site's YAML config (its time zone "
        + "sets midnight); default: the shipped default-site.yaml.")
    Path siteConfig;

    LocalDate from() {
      return from;
    }

    LocalDate to() {
      LocalDate last = to == null ? from : to;
      if (last.isBefore(from)) {
        throw new UserException("--to " + last + " is before --from " + from);
      }
      return last;
    }

    SessionRules rules() {
      SiteConfig site = siteConfig == null ? SiteConfig.defaults() : SiteConfig.load(siteConfig);
      SessionRules rules = SessionRules.defaults(site.zone());
      return sessionGap == null ? rules : rules.withGap(parseDuration(sessionGap));
    }

    static Duration parseDuration(String text) {
      try {
        return Duration.parse("PT" + text.trim().toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new UserException("bad duration '" + text + "': use forms like 30m, 10m, 1h, 90s", e);
      }
    }
  }
}
