package io.trailcast.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/** The pure step between reading lines and writing tables. */
public final class Ingest {
  private Ingest() {
  }

  /**
   * One row per event id, every rejected line kept: the same line twice (inside a file, or in
   * overlapping inputs) is one event. The first occurrence by (source, line) is kept, so reruns
   * write the very same row; {@code copies} says how many there were. Copies of a line share its
   * user and day, so the one shuffle, by (user, day), also leaves each Cassandra partition's rows
   * together for the writer to batch.
   */
  public static Dataset<Row> dedup(Dataset<Row> rows) {
    // A rejected line is its own group (keyed by source and line) and spreads like the events do.
    Column key = coalesce(col("event_id"), concat(lit("rejected:"), col("source"), lit(":"), col("line")));
    Column group = coalesce(col("user_id"), col("dedup_key"));
    WindowSpec copiesOfALine = Window.partitionBy(col("dedup_group"), col("day"), col("dedup_key"));
    return rows
        .withColumn("dedup_key", key)
        .withColumn("dedup_group", group)
        .repartition(col("dedup_group"), col("day"))
        .withColumn("occurrence", row_number().over(copiesOfALine.orderBy("source", "line")))
        .withColumn("copies", count(lit(1)).over(copiesOfALine))
        .filter(col("occurrence").equalTo(1))
        .drop("occurrence", "dedup_key", "dedup_group");
  }
}
