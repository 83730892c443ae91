package io.trailcast.deploy;

import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.SparkSessions;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trailcast aggregate --from D --to D}: sessions, bounce and search metrics for a window. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = "Cut the events of the days into sessions (sessions_by_user), compute bounce per landing page "
        + "(page_metrics_by_day), search CTR (search_metrics_by_day) and per-user aggregates (user_daily, "
        + "user_lifetime), and what the sessions earned each variant of the site's landing-page experiments "
        + "(experiment_arms). Rerunning a window rewrites its rows.")
public final class AggregateCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  WindowOptions window;

  @Override
  public Integer call() {
    try (Store store = cluster.store()) {
      AggregateJob.Result result = AggregateJob.run(SparkSessions.create("aggregate", store.target()), store,
          window.from(), window.to(), window.rules(), window.experiments());
      spec.commandLine().getOut().println(result.line());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** The days and session rules of an aggregate run, shared with {@code pipeline}. */
  static final class WindowOptions {
    @Mixin
    DaysOptions days;

    @Mixin
    SiteOption site;

    @Mixin
    SessionOptions sessions;

    LocalDate from() {
      return days.from();
    }

    LocalDate to() {
      return days.to();
    }

    /** The site config's session rules, then this run's flags over them. */
    SessionRules rules() {
      return SessionRules.of(sessions.over(site.load()));
    }

    /** The site config's landing-page experiments (none without its experiments file). */
    ExperimentDefinitions experiments() {
      return ExperimentDefinitions.of(site.load());
    }
  }
}
