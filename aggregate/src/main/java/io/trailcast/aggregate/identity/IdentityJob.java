package io.trailcast.aggregate.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.core.spark.ShufflePartitions;
import io.trailcast.ingest.EventDays;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code identities}: the identity graph and persons (DESIGN.md "Identity"). Adds the logins seen
 * in the events of a window (user id ↔ hashed email or login) and, given a CRM extract, its
 * accounts (CRM id ↔ hashed email) to {@code identity_edges}; judges the whole graph again
 * (quarantine), computes persons, writes {@code person_by_identifier} and, for every identifier
 * whose person changed, closes its row in {@code person_history} and opens a new one.
 */
public final class IdentityJob {
  private IdentityJob() {
  }

  /** What a run found: the quality line of the issue. */
  public record Result(long identifiers, long persons, List<Long> largest, long singletons, long edges,
      long quarantinedEdges, long crmAccounts, long crmRowsLeftOut, long crmWithoutEmail, long personsChanged,
      int rounds, boolean converged, long crmConflictsLeft) {
    public String line() {
      return String.format(Locale.ROOT, "%,d identifiers in %,d persons (largest %s, %,d alone), %,d edges of which "
              + "%,d quarantined; %,d CRM accounts (%,d without a usable email, %,d rows without a CRM id left out); "
              + "%,d identifiers changed person; %d rounds%s", identifiers, persons, largest, singletons, edges / 2,
          quarantinedEdges / 2, crmAccounts, crmWithoutEmail, crmRowsLeftOut, personsChanged, rounds,
          converged ? ", converged" : ", NOT converged (raise --max-rounds)");
    }

    Map<String, Long> counts() {
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("identifiers", identifiers);
      counts.put("persons", persons);
      counts.put("largest", largest.isEmpty() ? 0 : largest.get(0));
      counts.put("singletons", singletons);
      counts.put("edges", edges / 2);
      counts.put("quarantined_edges", quarantinedEdges / 2);
      counts.put("crm_accounts", crmAccounts);
      counts.put("persons_changed", personsChanged);
      counts.put("rounds", (long) rounds);
      return counts;
    }
  }

  /**
   * @param crm a CRM extract (crm_id, email, plan, country, signup_date) or null
   * @param salt the salt ingest hashed logins with, so CRM emails hash alike
   */
  public static Result run(SparkSession spark, Store store, LocalDate from, LocalDate to, Path crm, String salt,
      IdentityGraph.Rules rules) {
    CassandraTarget target = store.target();
    return JobRuns.record(store, "identities", crm == null ? List.of() : List.of(crm.toString()), from, to,
        (session, run) -> {
          io.trailcast.ingest.Salts.requireSameSalt(session, target.keyspace(), salt);
          io.trailcast.ingest.Suppression forgotten = io.trailcast.ingest.Suppression.load(session, target.keyspace());
          return ShufflePartitions.with(spark, EventDays.shufflePartitions(spark, session, from, to), () -> {
            Stored stored = read(spark, target, from, to, crm, salt, forgotten);
            Computed computed = compute(stored, rules);
            try {
              return write(spark, target, stored, computed, from, to, Timestamp.from(Instant.now()));
            } finally {
              computed.unpersist();
            }
          });
        }, Result::counts);
  }

  /**
   * What a run reads: the window's logins as edges, the CRM extract (null without one; forgotten
   * persons' rows left out), the stored graph, the identifiers' current persons and the forgotten
   * identifiers.
   */
  record Stored(Dataset<Row> loginEdges, CrmExtract.Read crm, Dataset<Row> edges, Dataset<Row> currentPersons,
      Dataset<Row> suppressed) {
  }

  static Stored read(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to, Path crm, String salt,
      io.trailcast.ingest.Suppression forgotten) {
    Dataset<Row> suppressed = spark.createDataset(List.copyOf(forgotten.identifiers()),
        org.apache.spark.sql.Encoders.STRING()).toDF("identifier");
    return new Stored(loginEdges(spark, target, from, to),
        crm == null ? null : CrmExtract.read(spark, crm, salt).without(suppressed),
        CassandraTables.read(spark, target, "identity_edges").select("identifier", "other", "identifier_type",
            "other_type", "source", "first_seen", "last_seen"),
        CassandraTables.read(spark, target, "person_by_identifier").select(col("identifier"),
            col("person_id").as("previous_person"), col("valid_from").as("previous_from")),
        suppressed);
  }

  /**
   * The graph judged again with what the run added, its persons, the identifiers whose person is
   * new or changed, and the persons' sizes; computed (and materialised) before anything is written.
   */
  record Computed(IdentityGraph.Result resolved, Dataset<Row> judged, Dataset<Row> persons, Dataset<Row> changed,
      long personsChanged, Dataset<Row> sizes) {
    void unpersist() {
      for (Dataset<Row> d : List.of(judged, persons, changed, sizes)) {
        d.unpersist();
      }
    }
  }

  static Computed compute(Stored stored, IdentityGraph.Rules rules) {
    List<Dataset<Row>> added = new ArrayList<>();
    added.add(stored.loginEdges());
    if (stored.crm() != null) {
      added.add(stored.crm().edges());
    }
    // A forgotten person's identifiers join no graph again, whatever events or CRM rows still name them.
    Dataset<Row> forgottenIds = stored.suppressed().withColumnRenamed("identifier", "forgotten");
    Dataset<Row> all = added.stream().reduce(stored.edges(), Dataset::union)
        .join(forgottenIds, col("identifier").equalTo(col("forgotten")), "left_anti")
        .join(forgottenIds, col("other").equalTo(col("forgotten")), "left_anti");
    // Materialised now (a checkpoint, not a cache): a cached Cassandra read under the graph's
    // checkpoints left Spark's adaptive execution waiting forever.
    Dataset<Row> edges = IdentityGraph.merge(all).localCheckpoint();
    IdentityGraph.Result resolved = IdentityGraph.resolve(edges, rules);
    Dataset<Row> judged = resolved.edges().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> persons = resolved.persons().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> changed = persons.join(stored.currentPersons(), new String[] {"identifier"}, "left")
        .filter(col("previous_person").isNull().or(col("previous_person").notEqual(col("person_id"))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    // Counted here, so the current persons are read before the run writes new ones.
    long personsChanged = changed.count();
    return new Computed(resolved, judged, persons, changed, personsChanged,
        IdentityGraph.sizes(persons).persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /**
   * Writes the CRM accounts, the judged graph, the identifiers whose person changed (to
   * {@code person_by_identifier}, closing their row in {@code person_history} at {@code now} and
   * opening a new one), then the persons' profiles, which read what was just written.
   */
  private static Result write(SparkSession spark, CassandraTarget target, Stored stored, Computed c, LocalDate from,
      LocalDate to, Timestamp now) {
    long crmAccounts = 0;
    if (stored.crm() != null) {
      crmAccounts = CassandraWriter.write(spark, stored.crm().accounts().withColumn("updated_at", lit(now)), target,
          "crm_accounts");
    }
    long edges = CassandraWriter.write(spark, c.judged(), target, "identity_edges");
    CassandraWriter.write(spark, c.changed().select(col("identifier"), col("identifier_type"), col("person_id"),
        lit(now).as("valid_from")), target, "person_by_identifier");
    CassandraWriter.write(spark, c.changed().filter(col("previous_person").isNotNull()).select(col("identifier"),
        col("previous_from").as("valid_from"), col("previous_person").as("person_id"), lit(now).as("valid_to")),
        target, "person_history");
    CassandraWriter.write(spark, c.changed().select(col("identifier"), lit(now).as("valid_from"), col("person_id"),
        lit(null).cast("timestamp").as("valid_to")), target, "person_history");
    List<Long> largest = c.sizes().orderBy(col("identifiers").desc()).limit(3).collectAsList().stream()
        .map(r -> r.getLong(1)).toList();
    Result result = new Result(c.persons().count(), c.sizes().count(), largest,
        c.sizes().filter(col("identifiers").equalTo(1)).count(), edges,
        c.judged().filter(col("quarantined")).count(), crmAccounts,
        stored.crm() == null ? 0 : stored.crm().leftOut(), stored.crm() == null ? 0 : stored.crm().withoutEmail(),
        c.personsChanged(), c.resolved().rounds(), c.resolved().converged(), c.resolved().conflictsLeft());
    PersonProfiles.write(spark, target, c.persons(), from, to, now);
    return result;
  }

  /** user id ↔ hashed email (or login) for every login seen in the window's events. */
  static Dataset<Row> loginEdges(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to) {
    return EventDays.events(spark, target, from, to, "user_id", "ts", "login", "email_hash")
        .filter(col("login").isNotNull())
        .select(col("user_id").as("identifier"),
            when(col("email_hash").isNotNull(), concat(lit("e:"), col("email_hash")))
                .otherwise(concat(lit("l:"), col("login"))).as("other"),
            lit(IdentityGraph.USER).as("identifier_type"),
            when(col("email_hash").isNotNull(), lit(IdentityGraph.EMAIL)).otherwise(lit(IdentityGraph.LOGIN))
                .as("other_type"),
            lit("login").as("source"), col("ts"))
        .groupBy("identifier", "other", "identifier_type", "other_type", "source")
        .agg(min("ts").as("first_seen"), max("ts").as("last_seen"));
  }
}
