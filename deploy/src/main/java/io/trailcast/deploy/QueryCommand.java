package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.UserException;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trailcast query "CQL"}: one CQL statement in the trailcast keyspace, printed as rows. */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Run one CQL statement in the keyspace and print its rows.")
public final class QueryCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Parameters(paramLabel = "CQL", description = "The statement, e.g. \"SELECT * FROM job_runs LIMIT 5\".")
  String cql;

  @Option(names = "--format", paramLabel = "F", defaultValue = "table",
      description = "table, csv or json (one object per line). Default: ${DEFAULT-VALUE}.")
  OutputFormat format;

  @Override
  public Integer call() {
    try (Store store = cluster.store()) {
      CqlSession session = store.cql();
      ResultSet result;
      try {
        result = session.execute(cql);
      } catch (QueryValidationException e) {
        throw new UserException("CQL rejected: " + e.getMessage(), e);
      }
      List<String> columns = new ArrayList<>();
      for (ColumnDefinition column : result.getColumnDefinitions()) {
        columns.add(column.getName().asInternal());
      }
      List<List<Object>> rows = new ArrayList<>();
      for (Row row : result) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
          values.add(row.getObject(i));
        }
        rows.add(values);
      }
      if (!columns.isEmpty()) {
        RowPrinter.print(spec.commandLine().getOut(), format, columns, rows);
      }
      return 0;
    }
  }
}
