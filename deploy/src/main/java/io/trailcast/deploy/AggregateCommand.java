package io.trailcast.deploy;

import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.Durations;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.ingest.SiteConfig;
import java.nio.file.Path;
import java.time.LocalDate;
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
        description = "Inactivity that ends a session, e.g. 30m, 10m, 1h (default: the site config's, 30m).")
    String sessionGap;

    @Option(names = "--max-session-duration", paramLabel = "DURATION",
        description = "A session this long ends before its next event (default: the site config's, 12h).")
    String maxSessionDuration;

    @Option(names = "--max-session-events", paramLabel = "N",
        description = "A session with this many events ends before its next one (default: the site config's, 2500).")
    Integer maxSessionEvents;

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

    /** The site config's session rules, then this run's flags over them. */
    SessionRules rules() {
      SiteConfig site = siteConfig == null ? SiteConfig.defaults() : SiteConfig.load(siteConfig);
      SessionRules rules = SessionRules.of(site);
      if (sessionGap != null) {
        rules = rules.withGap(Durations.parse(sessionGap, "--session-gap"));
      }
      if (maxSessionDuration != null) {
        rules = rules.withMaxDuration(Durations.parse(maxSessionDuration, "--max-session-duration"));
      }
      if (maxSessionEvents != null) {
        if (maxSessionEvents < 1) {
          throw new UserException("--max-session-events must be at least 1, not " + maxSessionEvents);
        }
        rules = rules.withMaxEvents(maxSessionEvents);
      }
      return rules;
    }
  }
}
