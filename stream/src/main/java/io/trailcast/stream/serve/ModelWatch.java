package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.models.ModelRegistry;
import io.trailcast.models.TrailScorer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model that scores fresh requests: the newest conversion model recorded in {@code models}
 * (as {@code ModelRegistry.model(cql, null)} picks it, read with the server's session), looked up
 * again on a schedule and swapped in atomically when a newer one is recorded. Requests only read
 * the current {@link TrailScorer}; loading happens on this class's own thread.
 */
public final class ModelWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelWatch.class);

  /** How a recorded model becomes a scorer. */
  @FunctionalInterface
  public interface Loader {
    TrailScorer load(ModelRegistry.Recorded recorded);
  }

  private record Current(TrailScorer scorer, String problem) {
  }

  private final CqlSession session;
  private final Loader loader;
  private final ScheduledExecutorService every = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread t = new Thread(task, "serve-model-watch");
    t.setDaemon(true);
    return t;
  });
  private volatile Current current = new Current(null, "no model looked up yet");
  /** The version whose load failed last, not tried again until another one is recorded. */
  private String failed;

  public ModelWatch(CqlSession session, Loader loader) {
    this.session = session;
    this.loader = loader;
  }

  /**
   * Reads the scorer saved beside the pipeline ({@link TrailScorer#SIDECAR}) when there is one; else loads
   * the saved pipeline with the Spark session of the JVM, or a local one made for the load and
   * stopped after it: MLlib reads a saved pipeline through Spark, but the scorer it gives is plain
   * Java. The master is set here on purpose: loading a file must not start executors on a cluster.
   */
  public static Loader sparkLoader() {
    return recorded -> {
      // The scorer saved beside the pipeline needs no Spark at all.
      TrailScorer saved = recorded.kind().equals(io.trailcast.models.ModelRegistry.TRAILS)
          ? TrailScorer.readSidecar(recorded) : null;
      if (saved != null) {
        return saved;
      }
      if (SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined()) {
        return TrailScorer.load(recorded);
      }
      SparkSession spark = SparkSession.builder().master("local[1]").appName("trailcast serve: model load")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.ui.showConsoleProgress", "false")
          .getOrCreate();
      try {
        return TrailScorer.load(recorded);
      } finally {
        spark.stop();
      }
    };
  }

  /** Looks the newest model up every {@code period} on a daemon thread, from one period on. */
  public ModelWatch every(Duration period) {
    every.scheduleWithFixedDelay(this::refreshQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The current scorer, or null when there is none (see {@link #problem()}). */
  public TrailScorer scorer() {
    return current.scorer();
  }

  /** Why there is no scorer, or null when there is one. */
  public String problem() {
    return current.problem();
  }

  /**
   * Reads the newest recorded trail model and, when it is not the current one, loads it and swaps
   * it in; a failed load keeps the current scorer (and says why when there is none).
   */
  public synchronized void refresh() {
    ModelRegistry.Recorded recorded = newestRecorded();
    TrailScorer scorer = current.scorer();
    if (recorded == null) {
      if (scorer == null) {
        current = new Current(null, "no conversion model recorded yet (bin/trailcast model train)");
      }
      return;
    }
    if ((scorer != null && scorer.version().equals(recorded.version())) || recorded.version().equals(failed)) {
      return;
    }
    try {
      TrailScorer loaded = loader.load(recorded);
      current = new Current(loaded, null);
      failed = null;
      LOG.info("scoring with model {}{}", loaded.version(), scorer == null ? "" : " (was " + scorer.version() + ")");
    } catch (RuntimeException e) {
      failed = recorded.version();
      String why = "model " + recorded.version() + " could not be loaded from " + recorded.path() + ": "
          + e.getMessage();
      LOG.warn(why, e);
      if (scorer == null) {
        current = new Current(null, why);
      }
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // Cassandra away for a moment: the current model goes on scoring, the next look may do better.
      LOG.warn("the newest model could not be looked up: {}", e.toString());
    }
  }

  private ModelRegistry.Recorded newestRecorded() {
    List<ModelRegistry.Recorded> recorded = ModelRegistry.models(session);
    return recorded.isEmpty() ? null : recorded.get(0);
  }

  @Override
  public void close() {
    every.shutdownNow();
  }
}
