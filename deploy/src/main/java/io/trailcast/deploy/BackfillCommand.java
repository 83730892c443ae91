package io.trailcast.deploy;

import io.trailcast.aggregate.AggregateJob;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.SparkSessions;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trailcast backfill --from D --to D}: every stage derived from ingested events, rerun for a window. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
    description = "Rerun, for a window of days, every stage computed from the ingested events: themes of page "
        + "URLs not yet scored with the newest model, then sessions, page, search and session metrics, user daily "
        + "and lifetime aggregates. Idempotent: the same window twice writes the same rows. Ingest itself is rerun "
        + "with `ingest --input ... --from D --to D`.")
public final class BackfillCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  AggregateCommand.WindowOptions window;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Store store = cluster.store()) {
      SparkSession spark = SparkSessions.create("backfill", store.target());
      ThemeStage.run(spark, store, window.from(), window.to(), out);
      AggregateJob.Result result = AggregateJob.run(spark, store, window.from(), window.to(), window.rules(),
          window.experiments());
      out.println("[aggregate] " + window.from() + ".." + window.to() + ": " + result.line());
      out.flush();
      return 0;
    }
  }
}
