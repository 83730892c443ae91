package io.trailcast.deploy;

import io.trailcast.core.cassandra.Store;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast quality --from D --to D}: per day, what became of the input and how clean it was. */
@Command(name = "quality", mixinStandardHelpOptions = true,
    description = "Print the data quality of each day (docs/definitions.md, \"Data quality\"): lines read of the "
        + "day (by the last ingest of each source), written, duplicates, quarantined (and by kind of reason), bot "
        + "events (and by rule), sessions, bot sessions, sessions without a pageview, sessions per end rule, late "
        + "events (counted by the aggregate; and as ingest and the stream wrote them, with how late they were), "
        + "how long events took to arrive (p50, p90, p99, max seconds), identity links quarantined, "
        + "pageviews and the share of them without a known theme.")
public final class QualityCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  DaysOptions days;

  @Option(names = "--format", paramLabel = "F", defaultValue = "table",
      description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
  OutputFormat format;

  @Override
  public Integer call() {
    List<List<Object>> rows;
    try (Store store = cluster.store()) {
      rows = QualityTable.read(store.cql(), days.from(), days.to());
    }
    RowPrinter.print(spec.commandLine().getOut(), format, QualityTable.COLUMNS, rows);
    return 0;
  }
}
