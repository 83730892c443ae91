package io.trailcast.deploy;

import io.trailcast.aggregate.BotsReapplyJob;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.SparkSessions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast bots reapply --from D --to D}: the current bot rules applied again to stored events. */
@Command(name = "bots", mixinStandardHelpOptions = true,
    description = "Bot rules (docs/ingest.md, \"Bots\"): the user-agent library and the site's own tokens "
        + "(bot_user_agents in the site config).",
    subcommands = {BotsCommand.Reapply.class})
public final class BotsCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code bots reapply}. */
  @Command(name = "reapply", mixinStandardHelpOptions = true,
      description = "Judge the stored events of the days again with the site's current bot rules: events newly "
          + "bots or no longer bots are rewritten (bot, bot_reason), the days' bot events per rule in ingest_days "
          + "recounted, and the aggregate rerun over the days that changed, as a fresh ingest with these rules would "
          + "leave them. Prints what changed per rule.")
  static final class Reapply implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    DaysOptions days;

    @Mixin
    SiteOption site;

    @Option(names = "--dry-run", description = "Count what would change; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      try (Store store = cluster.store()) {
        BotsReapplyJob.Result result = BotsReapplyJob.run(SparkSessions.create("bots reapply", store.target()),
            store, days.from(), days.to(), site.load(), dryRun);
        spec.commandLine().getOut().println("[bots]      " + result.line());
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }
}
