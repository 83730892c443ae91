package io.trailcast.core.spark;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.type.SetType;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.trailcast.core.cassandra.CassandraTarget;
import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Dataset's rows to a table through the connector's executor-side sessions, binding
 * values by position with the driver: the connector's generic per-cell converters were most of
 * the client CPU of an ingest (docs/BENCHMARKS.md). Consecutive rows of one Cassandra partition go
 * as one unlogged batch (callers sort by partition); nulls are left unset (no tombstones), except by
 * {@link #overwrite}, whose nulls must replace what a cell held.
 */
public final class CassandraWriter implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BATCH_ROWS = 64;
  private static final int MAX_BATCH_BYTES = 16 * 1024;
  private static final int IN_FLIGHT = 32;
  private static final Logger LOG = LoggerFactory.getLogger(CassandraWriter.class);

  private final CassandraConnector connector;
  private final String keyspace;
  private final String table;
  private final String[] columns;
  private final int[] partitionKey;
  private final Mode mode;
  private final LongAccumulator done;

  /** What a write does with its rows. */
  private enum Mode { WRITE, OVERWRITE, DELETE }

  private CassandraWriter(CassandraConnector connector, String keyspace, String table, String[] columns,
      int[] partitionKey, Mode mode, LongAccumulator done) {
    this.connector = connector;
    this.keyspace = keyspace;
    this.table = table;
    this.columns = columns;
    this.partitionKey = partitionKey;
    this.mode = mode;
    this.done = done;
  }

  /**
   * Writes every row of {@code rows} (its column names are the table's); returns the rows written
   * (counted by the tasks as they write: no job of its own).
   */
  public static long write(SparkSession spark, Dataset<Row> rows, CassandraTarget target, String table) {
    return run(spark, rows, target, table, Mode.WRITE);
  }

  /**
   * Writes {@code rows} (a primary key and some columns) with their nulls written: a null removes what the cell
   * held (a correction of stored rows, where a value must go).
   */
  public static long overwrite(SparkSession spark, Dataset<Row> rows, CassandraTarget target, String table) {
    return run(spark, rows, target, table, Mode.OVERWRITE);
  }

  /**
   * Deletes the rows whose primary keys {@code keys} holds (its columns: the table's whole primary
   * key); returns the keys deleted.
   */
  public static long delete(SparkSession spark, Dataset<Row> keys, CassandraTarget target, String table) {
    return run(spark, keys, target, table, Mode.DELETE);
  }

  /**
   * The one place a job's rows reach a table: progress on a terminal while it runs (rows, rate,
   * ETA); elsewhere a log line when done (a line per stage in a job's log).
   */
  private static long run(SparkSession spark, Dataset<Row> rows, CassandraTarget target, String table,
      Mode mode) {
    boolean delete = mode == Mode.DELETE;
    CassandraConnector connector = connector(spark);
    String[] columns = rows.columns();
    List<String> names = List.of(columns);
    int[] partitionKey;
    try (CqlSession session = connector.openSession()) {
      TableMetadata metadata = session.getMetadata().getKeyspace(target.keyspace())
          .flatMap(k -> k.getTable(table))
          .orElseThrow(() -> new IllegalStateException("no table " + target.keyspace() + "." + table));
      List<ColumnMetadata> key = metadata.getPartitionKey();
      partitionKey = new int[key.size()];
      for (int i = 0; i < key.size(); i++) {
        partitionKey[i] = names.indexOf(key.get(i).getName().asInternal());
        if (partitionKey[i] < 0) {
          throw new IllegalArgumentException("rows for " + table + " lack partition key column "
              + key.get(i).getName());
        }
      }
    }
    String what = (delete ? "delete from " : "write ") + table;
    LongAccumulator done = spark.sparkContext().longAccumulator(what);
    CassandraWriter writer = new CassandraWriter(connector, target.keyspace(), table, columns, partitionKey, mode,
        done);
    long started = System.nanoTime();
    Progress progress = Progress.start(spark, what, done::value);
    try {
      rows.foreachPartition((ForeachPartitionFunction<Row>) writer::writePartition);
    } finally {
      progress.close();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    String line = String.format(Locale.ROOT, "%s %s: %,d rows in %.1f s (%,.0f rows/s)",
        delete ? "deleted from" : "wrote", table, done.value(), seconds, done.value() / Math.max(seconds, 1e-3));
    // A terminal had the progress line; a log (a schedule's, spark-submit's) gets a line per write.
    if (System.console() == null) {
      LOG.info(line);
    } else {
      LOG.debug(line);
    }
    return done.value();
  }

  private void writePartition(Iterator<Row> rows) throws Exception {
    try (CqlSession session = connector.openSession()) {
      TableSink sink = mode == Mode.DELETE ? TableSink.deleting(session, keyspace, table, columns)
          : new TableSink(session, keyspace, table, columns, mode == Mode.OVERWRITE);
      Object[] values = new Object[columns.length];
      Object[] key = new Object[partitionKey.length];
      long count = 0;
      while (rows.hasNext()) {
        Row row = rows.next();
        for (int i = 0; i < columns.length; i++) {
          values[i] = row.get(i);
        }
        for (int i = 0; i < partitionKey.length; i++) {
          key[i] = values[partitionKey[i]];
        }
        sink.add(values, key);
        count++;
      }
      sink.finish();
      done.add(count);
    }
  }

  /** The connector (serializable, shipped to executors) whose sessions sinks use. */
  public static CassandraConnector connector(SparkSession spark) {
    return CassandraConnector.apply(spark.sparkContext().getConf());
  }

  /**
   * Writes (or deletes) rows of one table from inside a task: values by column position,
   * consecutive rows of one partition batched, at most {@value #IN_FLIGHT} requests in flight.
   */
  public static final class TableSink {
    private final CqlSession session;
    private final String name;
    private final PreparedStatement statement;
    private final List<TypeCodec<Object>> codecs = new ArrayList<>();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final boolean writeNulls;
    private final ConsistencyLevel consistency = SparkSessions.consistency(SparkSessions.CONSISTENCY_WRITE);
    private List<BoundStatement> batch = new ArrayList<>();
    private Object[] batchKey;
    private int batchBytes;

    /** A sink inserting rows of {@code columns}. */
    public TableSink(CqlSession session, String keyspace, String table, String[] columns) {
      this(session, keyspace, table, columns, false);
    }

    /** A sink inserting rows of {@code columns}, their nulls written as nulls with {@code writeNulls}. */
    public TableSink(CqlSession session, String keyspace, String table, String[] columns, boolean writeNulls) {
      this(session, keyspace, table, insertCql(keyspace, table, columns), writeNulls);
    }

    /** A sink deleting the rows whose primary key ({@code keyColumns}, all of it) it is given. */
    public static TableSink deleting(CqlSession session, String keyspace, String table, String[] keyColumns) {
      StringBuilder cql = new StringBuilder("DELETE FROM ").append(qualified(keyspace, table)).append(" WHERE ");
      for (int i = 0; i < keyColumns.length; i++) {
        cql.append(i == 0 ? "" : " AND ").append(CqlIdentifier.fromInternal(keyColumns[i]).asCql(true)).append(" = ?");
      }
      return new TableSink(session, keyspace, table, cql.toString(), false);
    }

    private TableSink(CqlSession session, String keyspace, String table, String cql, boolean writeNulls) {
      this.session = session;
      this.writeNulls = writeNulls;
      this.name = keyspace + "." + table;
      this.statement = session.prepare(cql);
      for (ColumnDefinition variable : statement.getVariableDefinitions()) {
        codecs.add(session.getContext().getCodecRegistry().codecFor(variable.getType()));
      }
    }

    private static String qualified(String keyspace, String table) {
      return CqlIdentifier.fromInternal(keyspace).asCql(true) + "." + CqlIdentifier.fromInternal(table).asCql(true);
    }

    private static String insertCql(String keyspace, String table, String[] columns) {
      StringBuilder cql = new StringBuilder("INSERT INTO ").append(qualified(keyspace, table)).append(" (");
      for (int i = 0; i < columns.length; i++) {
        cql.append(i == 0 ? "" : ", ").append(CqlIdentifier.fromInternal(columns[i]).asCql(true));
      }
      return cql.append(") VALUES (").append("?, ".repeat(columns.length - 1)).append("?)").toString();
    }

    /** Adds a row (values in column order, Spark external types; null = unset). */
    public void add(Object[] values, Object[] partitionKey) throws InterruptedException {
      BoundStatement bound = bind(values);
      int bytes = bound.computeSizeInBytes(session.getContext());
      if (!batch.isEmpty() && (!java.util.Arrays.equals(partitionKey, batchKey) || batch.size() >= MAX_BATCH_ROWS
          || batchBytes + bytes > MAX_BATCH_BYTES)) {
        send();
      }
      batch.add(bound);
      batchKey = partitionKey.clone();
      batchBytes += bytes;
    }

    /** Sends what is left and waits for every request; fails if any failed. */
    public void finish() throws InterruptedException {
      if (!batch.isEmpty()) {
        send();
      }
      inFlight.acquire(IN_FLIGHT);
      inFlight.release(IN_FLIGHT);
      if (failure.get() != null) {
        throw new IllegalStateException("writing " + name + " failed", failure.get());
      }
    }

    private BoundStatement bind(Object[] values) {
      BoundStatementBuilder builder = statement.boundStatementBuilder();
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          TypeCodec<Object> codec = codecs.get(i);
          Object converted = driverValue(values[i]);
          if (converted instanceof List<?> list && codec.getCqlType() instanceof SetType) {
            converted = new java.util.LinkedHashSet<>(list);
          }
          builder = builder.set(i, converted, codec);
        } else if (writeNulls) {
          builder = builder.setToNull(i);
        }
      }
      // Upserts and deletes: the driver may resend them to another node when a coordinator dies.
      return builder.setConsistencyLevel(consistency).setIdempotence(true).build();
    }

    private void send() throws InterruptedException {
      inFlight.acquire();
      CompletionStage<AsyncResultSet> result;
      if (batch.size() == 1) {
        result = session.executeAsync(batch.get(0));
      } else {
        BatchStatementBuilder builder = BatchStatement.builder(BatchType.UNLOGGED)
            .setConsistencyLevel(consistency).setIdempotence(true);
        batch.forEach(builder::addStatement);
        result = session.executeAsync(builder.build());
      }
      result.whenComplete((rs, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        }
        inFlight.release();
      });
      batch = new ArrayList<>();
      batchBytes = 0;
    }
  }

  /** Spark's external values as the driver's codecs expect them. */
  @SuppressWarnings("unchecked")
  static Object driverValue(Object value) {
    if (value instanceof Timestamp ts) {
      return ts.toInstant();
    }
    if (value instanceof Date date) {
      return date.toLocalDate();
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      return scala.collection.JavaConverters.mapAsJavaMap((scala.collection.Map<Object, Object>) map);
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return scala.collection.JavaConverters.seqAsJavaList(seq);
    }
    return value;
  }

}
