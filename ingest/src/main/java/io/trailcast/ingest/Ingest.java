package io.trailcast.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
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
   * Every row with {@code duplicate} appended: the same event id twice (inside a file, or in
   * overlapping inputs) is one event, and every copy but the first by (source, line) is a
   * duplicate, so reruns write the very same row; copies stay in the output so that each is
   * accounted for under its own source. Copies of a line share its user and day, so the one
   * shuffle, by (user, day), also leaves each Cassandra partition's rows together for the writer to
   * batch.
   */
  public static Dataset<Row> markDuplicates(Dataset<Row> rows) {
    // A rejected line (or a line count) is its own group, keyed by source and line, and spreads like the events do.
    Column key = coalesce(col("event_id"), concat(lit("line:"), col("source"), lit(":"), col("line")));
    Column group = coalesce(col("user_id"), col("dedup_key"));
    WindowSpec copiesOfALine = Window.partitionBy(col("dedup_group"), col("day"), col("dedup_key"));
    return rows
        .withColumn("dedup_key", key)
        .withColumn("dedup_group", group)
        .repartition(col("dedup_group"), col("day"))
        .withColumn("duplicate", row_number().over(copiesOfALine.orderBy("source", "line")).gt(1))
        .drop("dedup_key", "dedup_group");
  }
}
