package io.trailcast.core.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Shuffle partitions sized to a run's input. A session's {@code spark.sql.shuffle.partitions}
 * suits its largest runs; a small run (a test, an hourly day, the demo) on it pays a task per
 * partition for every stage, write and count, empty or not: an aggregate of three events ran 415
 * tasks in 66 jobs and took 11–16 s in a warm JVM, 7–10 s with one partition (docs/BENCHMARKS.md).
 * A run of a few partitions is also interpreted rather than compiled: see {@link #INTERPRETED_UP_TO}.
 */
public final class ShufflePartitions {
  /**
   * Runs of at most this many partitions evaluate their plans interpreted, without generated code.
   * Spark compiles some 190 classes for one aggregate, which a cold JVM pays for whatever the rows;
   * interpreted, an aggregate of three events took 16.5 s instead of 23 s in a cold JVM, and the same
   * time as compiled at 174,000 events (8 partitions): the work there is the store's and the
   * sessionizer's, not Spark's expressions (docs/BENCHMARKS.md, "Small runs").
   */
  public static final int INTERPRETED_UP_TO = 4;

  private static final Map<String, String> INTERPRETED = Map.of(
      "spark.sql.codegen.wholeStage", "false",
      "spark.sql.codegen.factoryMode", "NO_CODEGEN");

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
   * Runs {@code work} with {@code partitions} shuffle partitions, interpreted if they are few
   * ({@link #INTERPRETED_UP_TO}), then gives the session its own settings back (a pipeline runs
   * every stage on one session).
   */
  public static <T> T with(SparkSession spark, int partitions, Supplier<T> work) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.sql.shuffle.partitions", Integer.toString(partitions));
    if (partitions <= INTERPRETED_UP_TO) {
      settings.putAll(INTERPRETED);
    }
    Map<String, String> before = new LinkedHashMap<>();
    settings.keySet().forEach(key -> before.put(key, spark.conf().contains(key) ? spark.conf().get(key) : null));
    settings.forEach(spark.conf()::set);
    try {
      return work.get();
    } finally {
      before.forEach((key, value) -> {
        if (value == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, value);
        }
      });
    }
  }
}
