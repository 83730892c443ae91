package io.trailcast.core.spark;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.trailcast.core.cassandra.CassandraTarget;
import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/** Reads of Cassandra tables as DataFrames: whole tables through the connector, or partitions by key. */
public final class CassandraTables {
  /** Partition reads in flight per task. */
  private static final int IN_FLIGHT = 64;

  private CassandraTables() {
  }

  /** A whole table of the target keyspace (a scan, split by token range). */
  public static Dataset<Row> read(SparkSession spark, CassandraTarget target, String table) {
    return spark.read().format("org.apache.spark.sql.cassandra")
        .option("keyspace", target.keyspace()).option("table", table)
        .load();
  }

  /**
   * The rows of the partitions named by {@code keys} (its columns: the table's whole partition
   * key, each key once), {@code columns} of them: one asynchronous single-partition query per key
   * from the executors, never a scan. This is what the connector's direct join would do; it is
   * done here because that join's plan node fails inside Spark 3.5's adaptive execution.
   */
  public static Dataset<Row> lookup(SparkSession spark, Dataset<Row> keys, CassandraTarget target, String table,
      String... columns) {
    StructType schema = read(spark, target, table).select(columns[0], java.util.Arrays.copyOfRange(columns, 1,
        columns.length)).schema();
    List<String> partitionKey;
    CassandraConnector connector = CassandraWriter.connector(spark);
    try (CqlSession session = connector.openSession()) {
      partitionKey = session.getMetadata().getKeyspace(target.keyspace()).flatMap(k -> k.getTable(table))
          .orElseThrow(() -> new IllegalStateException("no table " + target.keyspace() + "." + table))
          .getPartitionKey().stream().map(ColumnMetadata::getName).map(CqlIdentifier::asInternal).toList();
    }
    StringBuilder cql = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.length; i++) {
      cql.append(i == 0 ? "" : ", ").append(CqlIdentifier.fromInternal(columns[i]).asCql(true));
    }
    cql.append(" FROM ").append(CqlIdentifier.fromInternal(target.keyspace()).asCql(true)).append('.')
        .append(CqlIdentifier.fromInternal(table).asCql(true)).append(" WHERE ");
    for (int i = 0; i < partitionKey.size(); i++) {
      cql.append(i == 0 ? "" : " AND ").append(CqlIdentifier.fromInternal(partitionKey.get(i)).asCql(true))
          .append(" = ?");
    }
    Dataset<Row> orderedKeys = keys.select(partitionKey.get(0),
        partitionKey.subList(1, partitionKey.size()).toArray(new String[0]));
    Lookup lookup = new Lookup(connector, cql.toString(), columns.length);
    return orderedKeys.mapPartitions((MapPartitionsFunction<Row, Row>) lookup::rows, Encoders.row(schema));
  }

  /** The executor side of {@link #lookup}. */
  private static final class Lookup implements Serializable {
    private static final long serialVersionUID = 1L;
    private final CassandraConnector connector;
    private final String cql;
    private final int width;

    Lookup(CassandraConnector connector, String cql, int width) {
      this.connector = connector;
      this.cql = cql;
      this.width = width;
    }

    Iterator<Row> rows(Iterator<Row> keys) {
      CqlSession session = connector.openSession();
      TaskContext.get().addTaskCompletionListener((TaskCompletionListener) task -> session.close());
      PreparedStatement select = session.prepare(cql);
      // A lookup decides results (stored sessions compared, persons, themes): it reads at the job's level.
      ConsistencyLevel consistency = SparkSessions.consistency(SparkSessions.CONSISTENCY_READ);
      return new Iterator<>() {
        private final ArrayDeque<CompletionStage<List<Row>>> pending = new ArrayDeque<>();
        private Iterator<Row> ready = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!ready.hasNext()) {
            while (pending.size() < IN_FLIGHT && keys.hasNext()) {
              pending.add(query(keys.next()));
            }
            if (pending.isEmpty()) {
              return false;
            }
            ready = pending.poll().toCompletableFuture().join().iterator();
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return ready.next();
        }

        private CompletionStage<List<Row>> query(Row key) {
          BoundStatementBuilder bound = select.boundStatementBuilder();
          for (int i = 0; i < key.size(); i++) {
            bound = bound.set(i, CassandraWriter.driverValue(key.get(i)),
                session.getContext().getCodecRegistry().codecFor(select.getVariableDefinitions().get(i).getType()));
          }
          return session.executeAsync(bound.setConsistencyLevel(consistency).setIdempotence(true).build())
              .thenCompose(page -> collect(page, new ArrayList<>()));
        }

        private CompletionStage<List<Row>> collect(AsyncResultSet page, List<Row> into) {
          for (com.datastax.oss.driver.api.core.cql.Row row : page.currentPage()) {
            Object[] values = new Object[width];
            for (int i = 0; i < width; i++) {
              values[i] = sparkValue(row.getObject(i));
            }
            into.add(RowFactory.create(values));
          }
          return page.hasMorePages() ? page.fetchNextPage().thenCompose(next -> collect(next, into))
              : CompletableFuture.completedFuture(into);
        }
      };
    }
  }

  /** A driver value as Spark's external type. */
  static Object sparkValue(Object value) {
    if (value instanceof Instant instant) {
      return Timestamp.from(instant);
    }
    if (value instanceof LocalDate day) {
      return Date.valueOf(day);
    }
    if (value instanceof Map<?, ?> map) {
      java.util.Map<Object, Object> converted = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> converted.put(sparkValue(k), sparkValue(v)));
      return scala.collection.JavaConverters.mapAsScalaMap(converted);
    }
    if (value instanceof Collection<?> collection) {
      List<Object> converted = new ArrayList<>();
      collection.forEach(v -> converted.add(sparkValue(v)));
      return scala.collection.JavaConverters.asScalaBuffer(converted).toSeq();
    }
    return value;
  }
}
