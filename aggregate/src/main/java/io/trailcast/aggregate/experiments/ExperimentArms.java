package io.trailcast.aggregate.experiments;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Experiment;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Variant;
import io.trailcast.aggregate.experiments.ExperimentRewards.Key;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What each variant of an experiment earned, kept per day in {@code experiment_arms}: the batch aggregate rewrites
 * its days' rows, the stream adds to its own rows as sessions end (a micro-batch replayed after a crash is not
 * applied twice: each row records, per streaming query, the micro-batch that last changed it). A variant's arm
 * sums its days, each day from the batch's rows once the batch has run over it, else from the stream's: so a batch
 * rerun gives the same arms as the stream that saw the same sessions, and a restart loses nothing.
 */
public final class ExperimentArms {
  static final String BATCH = "batch";
  static final String LIVE = "live";

  private ExperimentArms() {
  }

  /**
   * Rewrites the batch rows of {@code days} for every experiment: each variant's sessions and rewards of
   * {@code counts}, zeros included, so that each of those days is the batch's from then on.
   */
  public static void writeBatch(CqlSession cql, String keyspace, ExperimentDefinitions experiments,
      Collection<LocalDate> days, Map<Key, long[]> counts) {
    if (experiments.isEmpty() || days.isEmpty()) {
      return;
    }
    PreparedStatement write = cql.prepare("INSERT INTO " + keyspace + ".experiment_arms (experiment, day, source, "
        + "variant, sessions, rewards, updated_at) VALUES (?, ?, '" + BATCH + "', ?, ?, ?, ?)");
    PreparedStatement clear = cql.prepare("DELETE FROM " + keyspace + ".experiment_arms WHERE experiment = ? AND "
        + "day = ? AND source = '" + BATCH + "'");
    Instant now = Instant.now();
    List<BoundStatement> clears = new ArrayList<>();
    List<BoundStatement> writes = new ArrayList<>();
    for (Experiment e : experiments.experiments()) {
      for (LocalDate day : days) {
        // A variant taken out of the file since the last run leaves no row behind.
        clears.add(quorum(clear.bind(e.name(), day)));
        for (Variant v : e.variants()) {
          long[] c = counts.getOrDefault(new Key(e.name(), day, v.id()), new long[2]);
          writes.add(quorum(write.bind(e.name(), day, v.id(), c[0], c[1], now)));
        }
      }
    }
    run(cql, clears);
    run(cql, writes);
  }

  /**
   * Adds the counts of micro-batch {@code batchId} of streaming query {@code queryId} to the live rows; a row
   * that already records this micro-batch (or a later one) of the query is left as it is. Returns rows written.
   */
  public static int applyLive(CqlSession cql, String keyspace, Map<Key, long[]> changes, String queryId,
      long batchId) {
    if (changes.isEmpty()) {
      return 0;
    }
    PreparedStatement read = cql.prepare("SELECT sessions, rewards, batches FROM " + keyspace + ".experiment_arms "
        + "WHERE experiment = ? AND day = ? AND source = '" + LIVE + "' AND variant = ?");
    PreparedStatement write = cql.prepare("UPDATE " + keyspace + ".experiment_arms SET sessions = ?, rewards = ?, "
        + "updated_at = ?, batches[?] = ? WHERE experiment = ? AND day = ? AND source = '" + LIVE
        + "' AND variant = ?");
    List<Key> keys = new ArrayList<>(changes.keySet());
    List<CompletableFuture<Row>> reads = new ArrayList<>();
    for (Key k : keys) {
      reads.add(cql.executeAsync(quorum(read.bind(k.experiment(), k.day(), k.variant()))).toCompletableFuture()
          .thenApply(rs -> rs.one()));
    }
    Instant now = Instant.now();
    List<BoundStatement> writes = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Row row = reads.get(i).join();
      Long applied = row == null ? null : row.getMap(2, String.class, Long.class).get(queryId);
      if (applied != null && applied >= batchId) {
        continue;
      }
      Key k = keys.get(i);
      long[] change = changes.get(k);
      long sessions = (row == null || row.isNull(0) ? 0 : row.getLong(0)) + change[0];
      long rewards = (row == null || row.isNull(1) ? 0 : row.getLong(1)) + change[1];
      writes.add(quorum(write.bind(sessions, rewards, now, queryId, batchId, k.experiment(), k.day(), k.variant())));
    }
    run(cql, writes);
    return writes.size();
  }

  /** One day's source of an experiment's counts, and the counts per variant. */
  public record Day(LocalDate day, String source, Map<String, long[]> variants) {
  }

  /** The experiment's days, oldest first, each from the batch when it has run over the day, else the stream. */
  public static List<Day> days(CqlSession cql, String keyspace, String experiment) {
    Map<LocalDate, Map<String, Map<String, long[]>>> bySource = new TreeMap<>();
    for (Row row : cql.execute(quorum(cql.prepare("SELECT day, source, variant, sessions, rewards FROM " + keyspace
        + ".experiment_arms WHERE experiment = ?").bind(experiment)))) {
      bySource.computeIfAbsent(row.getLocalDate(0), d -> new TreeMap<>())
          .computeIfAbsent(row.getString(1), s -> new LinkedHashMap<>())
          .put(row.getString(2), new long[] {row.isNull(3) ? 0 : row.getLong(3), row.isNull(4) ? 0 : row.getLong(4)});
    }
    return chosen(bySource);
  }

  /** Per day (oldest first) the batch's counts when the batch has run over it, else the stream's. */
  static List<Day> chosen(Map<LocalDate, Map<String, Map<String, long[]>>> bySource) {
    List<Day> days = new ArrayList<>();
    new TreeMap<>(bySource).forEach((day, sources) -> {
      String source = sources.containsKey(BATCH) ? BATCH : LIVE;
      days.add(new Day(day, source, sources.get(source)));
    });
    return days;
  }

  /** Each variant's arm over {@code days}, in the experiment's variant order (a variant never seen: zeros). */
  public static List<Bandit.Arm> arms(Experiment experiment, List<Day> days) {
    List<Bandit.Arm> arms = new ArrayList<>();
    for (Variant v : experiment.variants()) {
      long sessions = 0;
      long rewards = 0;
      for (Day d : days) {
        long[] c = d.variants().get(v.id());
        if (c != null) {
          sessions += c[0];
          rewards += c[1];
        }
      }
      arms.add(new Bandit.Arm(v.id(), sessions, rewards));
    }
    return arms;
  }

  /** The experiment's arms as stored now. */
  public static List<Bandit.Arm> arms(CqlSession cql, String keyspace, Experiment experiment) {
    return arms(experiment, days(cql, keyspace, experiment.name()));
  }

  /** Visitors `serve` assigned to each variant. */
  public static Map<String, Long> assigned(CqlSession cql, String keyspace, String experiment) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Row row : cql.execute(cql.prepare("SELECT variant, visitors FROM " + keyspace + ".experiment_assigned "
        + "WHERE experiment = ?").bind(experiment))) {
      out.put(row.getString(0), row.getLong(1));
    }
    return out;
  }

  /** Reads and writes at LOCAL_QUORUM: a read-modify-write must see the last write on any replica set. */
  private static BoundStatement quorum(BoundStatement statement) {
    return statement.setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM);
  }

  /** Runs statements asynchronously, at most 256 in flight (a long backfill writes thousands). */
  private static void run(CqlSession cql, List<BoundStatement> statements) {
    for (int from = 0; from < statements.size(); from += 256) {
      List<CompletableFuture<?>> running = new ArrayList<>();
      for (BoundStatement s : statements.subList(from, Math.min(statements.size(), from + 256))) {
        running.add(cql.executeAsync(s).toCompletableFuture());
      }
      running.forEach(CompletableFuture::join);
    }
  }
}
