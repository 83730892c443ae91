package io.trailcast.core.spark;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Shuffle partitions sized to a run's input. A session's {@code spark.sql.shuffle.partitions}
 * suits its largest runs; a small run (a test, an hourly day, the demo) on it pays a task per
 * partition for every stage, write and count, empty or not: an aggregate of three events ran 415
 * tasks in 66 jobs and took 11–16 s in a warm JVM, 7–10 s with one partition (docs/BENCHMARKS.md).
 */
public final class ShufflePartitions {
  private ShufflePartitions() {
  }

  /**
   * The partitions for {@code units} of input at {@code perPartition} each: at least one, at most
   * the session's setting (what a large run gets).
   */
  public static int forInput(SparkSession spark, long units, long perPartition) {
    return forInput(units, perPartition, configured(spark));
  }

  /** One partition per {@code perPartition} units or part of one, between 1 and {@code atMost}. */
  static int forInput(long units, long perPartition, int atMost) {
    return (int) Math.max(1, Math.min(atMost, (units + perPartition - 1) / perPartition));
  }

  /** The session's own setting. */
  public static int configured(SparkSession spark) {
    return Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
  }

  /**
   * Runs {@code work} with {@code partitions} shuffle partitions, then gives the session its own
   * setting back (a pipeline runs every stage on one session).
   */
  public static <T> T with(SparkSession spark, int partitions, Supplier<T> work) {
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
    try {
      return work.get();
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
  }
}
