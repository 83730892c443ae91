package io.trailcast.core.notebooks;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import io.trailcast.core.UserException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.collection.JavaConverters;

/** Runs every statement of a notebook in a keyspace: CQL through the driver, Spark SQL through Spark. */
public final class NotebookRunner {
  /** The catalog name notebooks use for Cassandra tables: {@code cassandra.KEYSPACE.TABLE}. */
  public static final String CATALOG = "cassandra";

  private NotebookRunner() {
  }

  /** What one statement returned. */
  public record Result(Notebook.Cell cell, String statement, List<String> columns, List<List<Object>> rows) {
  }

  /**
   * @param spark asked for only when the notebook is Spark SQL
   * @param maxRows rows kept per statement (the statements carry their own LIMIT; this bounds the
   *     output of one that does not)
   */
  public static List<Result> run(Notebook notebook, Map<String, String> params, String keyspace, CqlSession cql,
      Supplier<SparkSession> spark, int maxRows) {
    List<Result> out = new ArrayList<>();
    SparkSession session = null;
    if (notebook.language() == Notebook.Language.SPARK_SQL) {
      session = spark.get();
      session.conf().set("spark.sql.catalog." + CATALOG, "com.datastax.spark.connector.datasource.CassandraCatalog");
    }
    for (Notebook.Cell cell : notebook.cells()) {
      String statement = notebook.bind(cell, keyspace, params);
      out.add(session == null ? cql(cell, statement, cql, maxRows) : sql(cell, statement, session, maxRows));
    }
    return out;
  }

  private static Result cql(Notebook.Cell cell, String statement, CqlSession cql, int maxRows) {
    ResultSet result;
    try {
      result = cql.execute(statement);
    } catch (QueryValidationException e) {
      throw new UserException("CQL rejected (" + cell.title() + "): " + e.getMessage(), e);
    }
    List<String> columns = new ArrayList<>();
    for (ColumnDefinition column : result.getColumnDefinitions()) {
      columns.add(column.getName().asInternal());
    }
    List<List<Object>> rows = new ArrayList<>();
    for (var row : result) {
      if (rows.size() == maxRows) {
        break;
      }
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        values.add(row.getObject(i));
      }
      rows.add(values);
    }
    return new Result(cell, statement, columns, rows);
  }

  private static Result sql(Notebook.Cell cell, String statement, SparkSession spark, int maxRows) {
    Dataset<Row> result;
    try {
      result = spark.sql(statement);
    } catch (Exception e) {
      // Scala declares no exceptions: Spark's AnalysisException (a parse error, an unknown
      // table or column) is checked for Java and arrives here undeclared.
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new UserException("Spark SQL rejected (" + cell.title() + "): " + e.getMessage().lines().findFirst()
          .orElse(""), e);
    }
    List<String> columns = Arrays.asList(result.columns());
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : result.limit(maxRows).collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        values.add(javaValue(row.get(i)));
      }
      rows.add(values);
    }
    return new Result(cell, statement, columns, rows);
  }

  /** Scala maps and sequences as Java ones, so that they print as CQL's do. */
  private static Object javaValue(Object value) {
    if (value instanceof scala.collection.Map<?, ?> map) {
      return new java.util.TreeMap<>(JavaConverters.mapAsJavaMap(map));
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return JavaConverters.seqAsJavaList(seq);
    }
    return value;
  }
}
