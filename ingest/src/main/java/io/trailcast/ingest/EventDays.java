package io.trailcast.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.spark.ShufflePartitions;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code event_days} index: which users have events on a day. Ingest writes it beside
 * {@code events_by_user}; later stages read a day's events through it with the connector's direct
 * join (one read per (user, day) partition) instead of scanning the whole table.
 */
public final class EventDays {
  /** Buckets per day, so that a busy day is not one huge partition. */
  public static final int BUCKETS = 16;
  /** The table's columns, in the order {@link #row} gives them. */
  static final String[] COLUMNS = {"day", "bucket", "user_id"};

  private static final StructType DAY_BUCKETS = new StructType()
      .add("day", DataTypes.DateType, false)
      .add("bucket", DataTypes.IntegerType, false);

  private EventDays() {
  }

  /** The bucket of a user's index row (String.hashCode is specified, so stable across JVMs). */
  public static int bucket(String userId) {
    return Math.floorMod(userId.hashCode(), BUCKETS);
  }

  /** The index row of a user's day. */
  static Object[] row(String userId, Object day) {
    return new Object[] {day, bucket(userId), userId};
  }

  /** (user_id, day) of every events_by_user partition of the days {@code from..to}. */
  public static Dataset<Row> partitions(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to) {
    List<Row> keys = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      for (int bucket = 0; bucket < BUCKETS; bucket++) {
        keys.add(RowFactory.create(Date.valueOf(day), bucket));
      }
    }
    return CassandraTables.lookup(spark, spark.createDataFrame(keys, DAY_BUCKETS), target, "event_days",
        "user_id", "day");
  }

  /** (user, day) partitions of input per shuffle partition: tens of thousands of events. */
  public static final long USER_DAYS_PER_PARTITION = 2_000;

  /**
   * The shuffle partitions of a run over the events of the days {@code from..to}: one per
   * {@value #USER_DAYS_PER_PARTITION} (user, day) partitions, at most the session's own setting.
   */
  public static int shufflePartitions(SparkSession spark, CqlSession cql, LocalDate from, LocalDate to) {
    long userDays = userDays(cql, from, to, ShufflePartitions.configured(spark) * USER_DAYS_PER_PARTITION);
    return ShufflePartitions.forInput(spark, userDays, USER_DAYS_PER_PARTITION);
  }

  /**
   * How many (user, day) partitions the days {@code from..to} hold, counted up to {@code atMost}
   * (reading at most that many index rows): the size of a run, known before any Spark job.
   */
  public static long userDays(CqlSession cql, LocalDate from, LocalDate to, long atMost) {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      days.add(day);
    }
    List<Integer> buckets = new ArrayList<>();
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      buckets.add(bucket);
    }
    // One statement for the window (a round trip per page, not per partition), read up to the limit.
    long found = 0;
    for (com.datastax.oss.driver.api.core.cql.Row ignored : cql.execute(SimpleStatement.newInstance(
        "SELECT user_id FROM event_days WHERE day IN ? AND bucket IN ? LIMIT ?", days, buckets,
        (int) Math.min(Integer.MAX_VALUE, atMost)))) {
      found++;
    }
    return found;
  }

  /** {@code columns} of the events of the days {@code from..to}, read partition by partition through the index. */
  public static Dataset<Row> events(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      String... columns) {
    // Spread the keys over the shuffle partitions: the index reads give few, busy tasks.
    Dataset<Row> keys = partitions(spark, target, from, to).repartition();
    return CassandraTables.lookup(spark, keys, target, "events_by_user", columns);
  }
}
