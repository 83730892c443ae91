package io.trailcast.core.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;

/**
 * A progress line on a terminal while a job runs: stage, tasks done, rows so far, rate and ETA
 * (from the share of tasks done). Silent when the output is not a terminal (spark-submit, CI).
 */
public final class Progress implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;

  private Progress(SparkSession spark, String job, LongSupplier rows, PrintStream out) {
    long started = System.nanoTime();
    thread = new Thread(() -> {
      SparkStatusTracker tracker = spark.sparkContext().statusTracker();
      while (running) {
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException e) {
          return;
        }
        int done = 0;
        int total = 0;
        String stage = "-";
        for (int id : tracker.getActiveStageIds()) {
          SparkStageInfo info = tracker.getStageInfo(id).getOrElse(null);
          if (info != null) {
            done += info.numCompletedTasks();
            total += info.numTasks();
            String name = info.name().split(" ")[0];
            // Adaptive execution's own stages are named after a Scala lambda: not worth showing.
            stage = name.startsWith("$") ? stage : name;
          }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long count = rows.getAsLong();
        String eta = done > 0 && total > done ? String.format(Locale.ROOT, ", ETA %.0f s",
            seconds / done * (total - done)) : "";
        out.printf(Locale.ROOT, "\r%s: %s tasks %d/%d, %,d rows, %,.0f rows/s, %.0f s%s   ", job, stage, done, total,
            count, count / seconds, seconds, eta);
        out.flush();
      }
    }, "trailcast-progress");
    thread.setDaemon(true);
  }

  /** Starts showing progress if stderr is a terminal; {@code rows} is read from the driver. */
  public static Progress start(SparkSession spark, String job, LongSupplier rows) {
    Progress progress = new Progress(spark, job, rows, System.err);
    if (System.console() != null) {
      progress.thread.start();
    }
    return progress;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    if (System.console() != null) {
      System.err.print("\r" + " ".repeat(100) + "\r");
      System.err.flush();
    }
  }
}
