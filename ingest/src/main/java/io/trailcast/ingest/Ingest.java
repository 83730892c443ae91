package io.trailcast.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/** The pure steps between reading lines and writing tables; each takes and returns Datasets. */
public final class Ingest {
  private Ingest() {
  }

  public static Dataset<Row> events(Dataset<Row> rows) {
    return rows.filter(col("reject_reason").isNull());
  }

  public static Dataset<Row> rejected(Dataset<Row> rows) {
    return rows.filter(col("reject_reason").isNotNull());
  }

  /** Events whose day is inside the window (site time zone); the others are filtered, not lost. */
  public static Column inWindow(LocalDate from, LocalDate to) {
    Column keep = lit(true);
    if (from != null) {
      keep = keep.and(col("day").geq(lit(java.sql.Date.valueOf(from))));
    }
    if (to != null) {
      keep = keep.and(col("day").leq(lit(java.sql.Date.valueOf(to))));
    }
    return keep;
  }

  /**
   * One row per event id, rejected lines untouched: the same line twice (inside a file, or in
   * overlapping inputs) is one event. The first occurrence by (source, line) is kept, so reruns
   * write the very same row; {@code copies} says how many there were. Copies of a line share its
   * user and day, so the one shuffle, by (user, day), also leaves each Cassandra partition's rows
   * together for the writer to batch.
   */
  public static Dataset<Row> dedup(Dataset<Row> rows) {
    WindowSpec copiesOfALine = Window.partitionBy(col("user_id"), col("day"), col("event_id"));
    Dataset<Row> events = events(rows)
        .repartition(col("user_id"), col("day"))
        .withColumn("occurrence", row_number().over(copiesOfALine.orderBy("source", "line")))
        .withColumn("copies", count(lit(1)).over(copiesOfALine))
        .filter(col("occurrence").equalTo(1))
        .drop("occurrence");
    return events.unionByName(rejected(rows).withColumn("copies", lit(1L)));
  }

  /**
   * The run's counts over deduplicated rows, in {@link IngestResult}'s order: read, written,
   * duplicates, quarantined, filtered (outside the window), bots (written ones).
   */
  public static Column[] counts(Column inWindow) {
    Column event = col("reject_reason").isNull();
    Column kept = event.and(inWindow);
    return new Column[] {
        coalesce(sum(col("copies")), lit(0L)).cast("long").as("read"),
        count(when(kept, lit(1))).as("written"),
        coalesce(sum(when(event, col("copies").minus(1))), lit(0L)).cast("long").as("duplicates"),
        count(when(not(event), lit(1))).as("quarantined"),
        count(when(event.and(not(inWindow)), lit(1))).as("filtered"),
        count(when(kept.and(col("bot")), lit(1))).as("bots")};
  }

  /** Quarantine rows as the table holds them: keyed by source and line (bucket = line / 100,000). */
  public static Dataset<Row> quarantine(Dataset<Row> rejected) {
    return rejected.select(col("source"), col("line").divide(100_000).cast("int").as("bucket"), col("line"),
        lit("ingest").as("stage"), col("reject_reason").as("reason"), col("raw"));
  }

  /** Events as events_by_user holds them. */
  public static Dataset<Row> forTable(Dataset<Row> events) {
    return events.drop("reject_reason", "raw", "copies");
  }
}
