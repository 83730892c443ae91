package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
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
    CassandraTarget target = cluster.target();
    Map<String, Long> counts = count(SparkSessions.create("tables", target), target);
    List<List<Object>> rows = new ArrayList<>();
    counts.forEach((table, rowCount) -> rows.add(List.of(table, rowCount)));
    RowPrinter.print(spec.commandLine().getOut(), format, List.of("table", "rows"), rows);
    return 0;
  }

  /** Rows per table of the target keyspace, by table name. */
  static Map<String, Long> count(SparkSession spark, CassandraTarget target) {
    List<String> tables = new ArrayList<>();
    try (CqlSession session = CqlSessions.openWithoutKeyspace(target)) {
      KeyspaceMetadata keyspace = session.getMetadata().getKeyspace(CqlIdentifier.fromInternal(target.keyspace()))
          .orElseThrow(() -> new UserException("keyspace '" + target.keyspace()
              + "' does not exist; run: bin/trailcast schema apply"));
      keyspace.getTables().keySet().forEach(name -> tables.add(name.asInternal()));
    }
    Map<String, Long> counts = new TreeMap<>();
    for (String table : tables) {
      long rows = spark.read().format("org.apache.spark.sql.cassandra")
          .option("keyspace", target.keyspace())
          .option("table", table)
          .load()
          .count();
      counts.put(table, rows);
    }
    return counts;
  }
}
