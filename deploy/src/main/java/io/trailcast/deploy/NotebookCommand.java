package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import io.trailcast.core.notebooks.Notebook;
import io.trailcast.core.notebooks.NotebookRunner;
import io.trailcast.core.spark.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trailcast notebook FILE...}: run the analysts' query files of notebooks/ (notebooks/README.md). */
@Command(name = "notebook", mixinStandardHelpOptions = true,
    description = "Run every query of notebook files (notebooks/*.cql through the driver, notebooks/*.sql as Spark "
        + "SQL over the Cassandra catalog) in the keyspace and print each one's title and rows.")
public final class NotebookCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Notebook files (.cql or .sql).")
  List<Path> files;

  @Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "A parameter of the notebooks (-- @param lines), e.g. --set segment=theme:music.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--format", paramLabel = "F", defaultValue = "table",
      description = "table, csv or json (one object per line). Default: ${DEFAULT-VALUE}.")
  OutputFormat format;

  @Option(names = "--max-rows", paramLabel = "N", defaultValue = "100",
      description = "Rows printed per query at most. Default: ${DEFAULT-VALUE}.")
  int maxRows;

  @Override
  public Integer call() {
    List<Notebook> notebooks = files.stream().map(Notebook::load).toList();
    PrintWriter out = spec.commandLine().getOut();
    try (Store store = cluster.store()) {
      CassandraTarget target = store.target();
      CqlSession cql = store.cql();
      for (Notebook notebook : notebooks) {
        for (NotebookRunner.Result result : NotebookRunner.run(notebook, params, target.keyspace(), cql,
            () -> SparkSessions.create("notebook", target), maxRows)) {
          out.println("-- " + notebook.file().getFileName() + ": " + result.cell().title());
          RowPrinter.print(out, format, result.columns(), result.rows());
          out.println();
          out.flush();
        }
      }
    }
    return 0;
  }
}
