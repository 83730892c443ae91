package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.aggregate.experiments.Bandit;
import io.trailcast.aggregate.experiments.ExperimentArms;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Experiment;
import io.trailcast.ingest.EventBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A visitor's variant of a landing-page experiment (docs/experiments.md). A visitor seen before keeps the variant
 * recorded for them (sticky); a new one is placed by {@link Bandit#unit} of the experiment and their id under the
 * current weights, and the assignment is recorded once ({@code INSERT ... IF NOT EXISTS}: two servers answering
 * the same new visitor at once agree on the first one's variant). The weights come from the arms stored in
 * {@code experiment_arms}, recomputed at most every {@code refresh} per experiment; the visitor's id is kept only
 * as the salted hash ingest gives a cookie id.
 */
final class ExperimentAssigner {
  private final CqlSession session;
  private final String keyspace;
  private final ExperimentDefinitions experiments;
  private final String salt;
  private final long refreshMs;
  private final PreparedStatement read;
  private final PreparedStatement insert;
  private final PreparedStatement count;
  private final Map<String, Weights> weights = new ConcurrentHashMap<>();

  /** An experiment's weights and the arms they came from, with when they were computed. */
  record Weights(List<Bandit.Arm> arms, double[] shares, long computedAtMs) {
  }

  ExperimentAssigner(CqlSession session, String keyspace, ExperimentDefinitions experiments, String salt,
      Duration refresh) {
    this.session = session;
    this.keyspace = keyspace;
    this.experiments = experiments;
    this.salt = salt;
    this.refreshMs = refresh.toMillis();
    this.read = session.prepare("SELECT variant, assigned_at, weight FROM " + keyspace + ".experiment_assignments "
        + "WHERE experiment = ? AND user_id = ?");
    this.insert = session.prepare("INSERT INTO " + keyspace + ".experiment_assignments (experiment, user_id, variant, "
        + "assigned_at, weight) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS");
    this.count = session.prepare("UPDATE " + keyspace + ".experiment_assigned SET visitors = visitors + 1 WHERE "
        + "experiment = ? AND variant = ?");
  }

  /** The variant of {@code user} (the site's visitor id) in experiment {@code name}. */
  ServeData.Assignment assign(String name, String user) {
    Experiment experiment = experiments.find(name);
    if (experiment == null) {
      throw ServeException.notFound("no experiment '" + name + "'" + (experiments.isEmpty()
          ? " (the site config names no experiments file)" : " (experiments: " + String.join(", ",
          experiments.experiments().stream().map(Experiment::name).toList()) + ")"));
    }
    String userId = EventBuilder.cookieUserId(salt, user);
    Row stored = session.execute(read.bind(experiment.name(), userId).setTimeout(CassandraServeData.READ_TIMEOUT)
        .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)).one();
    if (stored != null) {
      return answer(experiment, userId, stored.getString(0), stored.getInstant(1), stored.getDouble(2), false);
    }
    Weights current = weights(experiment);
    int picked = Bandit.pick(current.shares(), Bandit.unit(experiment.name(), userId));
    String variant = experiment.variants().get(picked).id();
    // As stored: a timestamp keeps milliseconds, and the visitor's next answer must say the same.
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    // Idempotent, so a timed-out try is sent again (ReplicaDownRetryPolicy); a second try that finds the first's
    // row (this variant at this very millisecond) is this request's own assignment.
    Row applied = session.execute(insert.bind(experiment.name(), userId, variant, now, current.shares()[picked])
        .setTimeout(CassandraServeData.READ_TIMEOUT).setIdempotent(true)).one();
    if (applied != null && !applied.getBoolean("[applied]")
        && !(variant.equals(applied.getString("variant")) && now.equals(applied.getInstant("assigned_at")))) {
      // Another request recorded this visitor first: theirs stands.
      return answer(experiment, userId, applied.getString("variant"), applied.getInstant("assigned_at"),
          applied.getDouble("weight"), false);
    }
    session.executeAsync(count.bind(experiment.name(), variant));
    return answer(experiment, userId, variant, now, current.shares()[picked], true);
  }

  /** The experiment's current weights, recomputed from the stored arms once {@code refresh} has passed. */
  Weights weights(Experiment experiment) {
    long now = System.currentTimeMillis();
    Weights known = weights.get(experiment.name());
    if (known != null && now - known.computedAtMs() < refreshMs) {
      return known;
    }
    synchronized (this) {
      known = weights.get(experiment.name());
      if (known != null && System.currentTimeMillis() - known.computedAtMs() < refreshMs) {
        return known;
      }
      List<Bandit.Arm> arms = ExperimentArms.arms(session, keyspace, experiment);
      Weights fresh = new Weights(arms, Bandit.weights(experiment, arms, Bandit.seed(arms)),
          System.currentTimeMillis());
      weights.put(experiment.name(), fresh);
      return fresh;
    }
  }

  private static ServeData.Assignment answer(Experiment experiment, String userId, String variant, Instant at,
      double weight, boolean isNew) {
    ExperimentDefinitions.Variant v = experiment.variants().stream().filter(x -> x.id().equals(variant)).findFirst()
        .orElse(null);
    // A variant taken out of the file since: the visitor keeps its id, with no URL to send them to.
    return new ServeData.Assignment(experiment.name(), userId, variant, v == null ? null : v.url(), at, weight, isNew);
  }
}
