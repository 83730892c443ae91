package io.trailcast.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

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
   * One event per event id: the same line twice (inside a file, or in overlapping inputs) is one
   * event. The first occurrence by (source, line) is kept, so reruns write the very same row.
   */
  public static Dataset<Row> dedup(Dataset<Row> events) {
    return events
        .withColumn("occurrence", row_number().over(Window.partitionBy("event_id").orderBy("source", "line")))
        .filter(col("occurrence").equalTo(1))
        .drop("occurrence");
  }

  /** Quarantine rows as the table holds them: keyed by source and line (bucket = line / 100,000). */
  public static Dataset<Row> quarantine(Dataset<Row> rejected) {
    return rejected.select(col("source"), col("line").divide(100_000).cast("int").as("bucket"), col("line"),
        lit("ingest").as("stage"), col("reject_reason").as("reason"), col("raw"));
  }

  /** Events as events_by_user holds them. */
  public static Dataset<Row> forTable(Dataset<Row> events) {
    return events.drop("reject_reason", "raw");
  }
}
