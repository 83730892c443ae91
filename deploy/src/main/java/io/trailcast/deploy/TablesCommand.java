package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import io.trailcast.core.spark.SparkSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trailcast tables}: row counts of every trailcast table, counted by Spark executors through
 * the Cassandra connector (the smallest real job: it proves a Spark deployment reaches the cluster).
 */
@Command(name = "tables", mixinStandardHelpOptions = true,
    description = "Count the rows of every table in the keyspace with Spark (a full scan per table).")
public final class TablesCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--format", paramLabel = "F", defaultValue = "table",
      description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
  OutputFormat format;

  @Override
  public Integer call() {
    Map<String, Long> counts;
    try (Store store = cluster.store()) {
      counts = count(SparkSessions.create("tables", store.target()), store);
    }
    List<List<Object>> rows = new ArrayList<>();
    counts.forEach((table, rowCount) -> rows.add(List.of(table, rowCount)));
    RowPrinter.print(spec.commandLine().getOut(), format, List.of("table", "rows"), rows);
    return 0;
  }

  /** Rows per table of the target keyspace, by table name. */
  static Map<String, Long> count(SparkSession spark, Store store) {
    List<String> tables = new ArrayList<>();
    KeyspaceMetadata keyspace = store.cql().getMetadata().getKeyspace(CqlIdentifier.fromInternal(store.keyspace()))
        .orElseThrow(() -> new IllegalStateException("keyspace '" + store.keyspace() + "' has no metadata"));
    keyspace.getTables().keySet().forEach(name -> tables.add(name.asInternal()));
    Map<String, Long> counts = new TreeMap<>();
    for (String table : tables) {
      long rows = spark.read().format("org.apache.spark.sql.cassandra")
          .option("keyspace", store.keyspace())
          .option("table", table)
          .load()
          .count();
      counts.put(table, rows);
    }
    return counts;
  }
}
