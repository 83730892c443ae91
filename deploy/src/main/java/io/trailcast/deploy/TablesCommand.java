package io.trailcast.deploy;

import static org.apache.spark.sql.functions.lit;

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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /**
   * Rows per table of the target keyspace, by table name: one Spark job over every table, not a job
   * per table that pays Spark's fixed cost per job some 30 times.
   */
  static Map<String, Long> count(SparkSession spark, Store store) {
    KeyspaceMetadata keyspace = store.cql().getMetadata().getKeyspace(CqlIdentifier.fromInternal(store.keyspace()))
        .orElseThrow(() -> new IllegalStateException("keyspace '" + store.keyspace() + "' has no metadata"));
    Map<String, Long> counts = new TreeMap<>();
    Dataset<Row> tableOfEachRow = null;
    for (CqlIdentifier name : keyspace.getTables().keySet()) {
      String table = name.asInternal();
      counts.put(table, 0L);
      Dataset<Row> rows = spark.read().format("org.apache.spark.sql.cassandra")
          .option("keyspace", store.keyspace())
          .option("table", table)
          .load()
          .select(lit(table).as("table"));
      tableOfEachRow = tableOfEachRow == null ? rows : tableOfEachRow.union(rows);
    }
    if (tableOfEachRow != null) {
      for (Row counted : tableOfEachRow.groupBy("table").count().collectAsList()) {
        counts.put(counted.getString(0), counted.getLong(1));
      }
    }
    return counts;
  }
}
