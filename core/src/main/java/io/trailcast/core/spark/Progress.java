package io.trailcast.core.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a long job. On a terminal, a line redrawn every 2 s while it runs: the job's phase, the
 * Spark stage and its tasks, rows so far and their rate, and an ETA (from the phase's steps when it
 * counts them, otherwise from the share of the active stages' tasks done). Elsewhere (spark-submit,
 * a schedule's log, CI) a log line when a phase ends and one per counted step, with the same figures.
 * A phase also names the Spark jobs run inside it (their description in the UI and the event log).
 */
public final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final SparkSession spark;
  private final String label;
  private final LongSupplier rows;
  private final int steps;
  private final AtomicInteger stepsDone = new AtomicInteger();
  private final boolean terminal;
  private final boolean logWhenDone;
  private final String previousDescription;
  private final long started = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;

  private Progress(SparkSession spark, String label, LongSupplier rows, int steps, boolean logWhenDone,
      PrintStream out) {
    this.spark = spark;
    this.label = label;
    this.rows = rows;
    this.steps = steps;
    this.logWhenDone = logWhenDone;
    this.terminal = System.console() != null;
    this.previousDescription = spark.sparkContext().getLocalProperty("spark.job.description");
    spark.sparkContext().setJobDescription(label);
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
        String stage = "";
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
        out.print("\r" + line(label, stage, done, total, stepsDone.get(), steps, rows.getAsLong(), seconds())
            + "   ");
        out.flush();
      }
    }, "trailcast-progress");
    thread.setDaemon(true);
    if (terminal) {
      thread.start();
    }
  }

  /** Progress of rows written or read under {@code job}; {@code rows} is read from the driver. */
  public static Progress start(SparkSession spark, String job, LongSupplier rows) {
    return new Progress(spark, job, rows, 0, false, System.err);
  }

  /** A phase of {@code job} (say "model train", "search logistic"): a log line when it ends. */
  public static Progress phase(SparkSession spark, String job, String phase) {
    return phase(spark, job, phase, 0);
  }

  /**
   * A phase made of {@code steps} steps (fits, days), each reported by {@link #step}; the ETA comes from
   * them. With {@code steps} 0 their number is not known ahead (rounds until nothing changes): no ETA.
   */
  public static Progress phase(SparkSession spark, String job, String phase, int steps) {
    return new Progress(spark, job + ": " + phase, () -> -1, steps, true, System.err);
  }

  /** One step of the phase is done; {@code what} (say "AUC 0.871") goes into the log line. */
  public void step(String what) {
    int done = stepsDone.incrementAndGet();
    if (!terminal) {
      LOG.info("{}{}", line(label, "", 0, 0, done, steps, -1, seconds()), what.isEmpty() ? "" : " (" + what + ")");
    }
  }

  private double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /**
   * The progress line: {@code label}, the Spark stage and its tasks (when any run), the steps done of
   * {@code steps} (or how many, when their number is not known), {@code rows} and their rate (when
   * counted, that is ≥ 0), the time so far and the ETA: from the steps when counted, otherwise from
   * the tasks.
   */
  static String line(String label, String stage, int tasksDone, int tasks, int stepsDone, int steps, long rows,
      double seconds) {
    List<String> parts = new ArrayList<>();
    StringBuilder work = new StringBuilder();
    if (steps > 0) {
      work.append(String.format(Locale.ROOT, "%d/%d", stepsDone, steps));
    } else if (stepsDone > 0) {
      work.append(String.format(Locale.ROOT, "%d done", stepsDone));
    }
    if (tasks > 0) {
      work.append(work.length() > 0 ? " " : "").append(String.format(Locale.ROOT, "%s tasks %d/%d",
          stage.isEmpty() ? "stage" : stage, tasksDone, tasks));
    }
    if (work.length() > 0) {
      parts.add(work.toString());
    }
    if (rows >= 0) {
      parts.add(String.format(Locale.ROOT, "%,d rows", rows));
      parts.add(String.format(Locale.ROOT, "%,.0f rows/s", rows / Math.max(seconds, 1e-3)));
    }
    parts.add(String.format(Locale.ROOT, "%.0f s", seconds));
    double eta = steps > 0 ? eta(stepsDone, steps, seconds) : eta(tasksDone, tasks, seconds);
    if (!Double.isNaN(eta)) {
      parts.add(String.format(Locale.ROOT, "ETA %.0f s", eta));
    }
    return label + ": " + String.join(", ", parts);
  }

  /** Seconds left if the rest goes at the pace so far; NaN before the first unit or after the last. */
  static double eta(int done, int total, double seconds) {
    return done > 0 && total > done ? seconds / done * (total - done) : Double.NaN;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    spark.sparkContext().setJobDescription(previousDescription);
    if (terminal) {
      System.err.print("\r" + " ".repeat(100) + "\r");
      System.err.flush();
    }
    if (logWhenDone) {
      String done = String.format(Locale.ROOT, "%s done in %.1f s", label, seconds());
      // A terminal had the live line; a log gets the phase's end.
      if (terminal) {
        LOG.debug(done);
      } else {
        LOG.info(done);
      }
    }
  }
}
