package io.trailcast.aggregate.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;

import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.ingest.InputFileRows;
import io.trailcast.ingest.SimulatedUsers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Persons against the simulator's truth, as pairs of user ids: a pair is merged when both are in
 * one trailcast person, true when both belong to one simulated person. Precision = true merged
 * pairs ÷ merged pairs, recall = true merged pairs ÷ true pairs, over the human devices that left
 * events. A device that never signed in leaves nothing to link it by, so recall is also given over
 * the pairs whose two devices both sent a request carrying the person's own login (the truth
 * events' {@code login}): that one says how well the graph uses the evidence, the first how much
 * of a person the logins reveal.
 */
public final class IdentityEvaluation {
  private IdentityEvaluation() {
  }

  /** Pair counts and the two ratios; {@code users}: the human user ids compared. */
  public record Pairs(long users, long persons, long truePersons, long merged, long truePairs, long correct,
      long signedInTruePairs, long signedInCorrect) {
    public double precision() {
      return merged == 0 ? 1.0 : (double) correct / merged;
    }

    public double recall() {
      return truePairs == 0 ? 1.0 : (double) correct / truePairs;
    }

    /** Recall over the true pairs of devices that both signed in: those the logs can link. */
    public double signedInRecall() {
      return signedInTruePairs == 0 ? 1.0 : (double) signedInCorrect / signedInTruePairs;
    }
  }

  public static Pairs compare(SparkSession spark, CassandraTarget target, Path truthDir, String salt) {
    Dataset<Row> devices = SimulatedUsers.of(spark, truthDir, salt).filter(not(col("bot")))
        .select(col("user_id"), col("device_id"), col("person_id").as("true_person"));
    Dataset<Row> seen = CassandraTables.lookup(spark, devices.select("user_id").distinct(), target, "user_lifetime",
        "user_id");
    Dataset<Row> ours = CassandraTables.lookup(spark, seen.select(col("user_id").as("identifier")), target,
        "person_by_identifier", "identifier", "person_id");
    Dataset<Row> signedIn = spark.createDataFrame(signedInDevices(spark, truthDir).stream()
            .map(d -> RowFactory.create(d, true)).toList(),
        new StructType().add("device_id", DataTypes.StringType).add("signed_in", DataTypes.BooleanType));
    Dataset<Row> users = seen.join(devices, "user_id")
        .join(ours, seen.col("user_id").equalTo(ours.col("identifier")), "left")
        .join(signedIn, new String[] {"device_id"}, "left")
        .select(col("user_id"), col("true_person"), coalesce(col("person_id"), col("user_id")).as("person"),
            coalesce(col("signed_in"), lit(false)).as("signed_in"))
        .dropDuplicates("user_id").cache();
    long n = users.count();
    if (n == 0) {
      throw new UserException("none of the simulated devices in " + truthDir + " has events in keyspace "
          + target.keyspace() + ": is it the traffic ingested there, with this salt?");
    }
    long merged = pairs(users.groupBy("person").agg(count("*").as("n")));
    long truePairs = pairs(users.groupBy("true_person").agg(count("*").as("n")));
    long correct = pairs(users.groupBy("person", "true_person").agg(count("*").as("n")));
    Dataset<Row> signed = users.filter(col("signed_in"));
    Pairs result = new Pairs(n, users.select("person").distinct().count(),
        users.select("true_person").distinct().count(), merged, truePairs, correct,
        pairs(signed.groupBy("true_person").agg(count("*").as("n"))),
        pairs(signed.groupBy("person", "true_person").agg(count("*").as("n"))));
    users.unpersist();
    return result;
  }

  private static long pairs(Dataset<Row> groups) {
    Row total = groups.agg(sum(col("n").multiply(col("n").minus(1)).divide(2)).cast("long")).first();
    return total.isNullAt(0) ? 0 : total.getLong(0);
  }

  /**
   * The devices some request of which carries the person's own login ({@code login} of
   * {@code truth/events.csv}, gzip or not; not a shared account): those the logs can link.
   */
  static Set<String> signedInDevices(SparkSession spark, Path truthDir) {
    Path events = truthDir.resolve("truth/events.csv");
    Path persons = truthDir.resolve("truth/persons.csv");
    if (!Files.isRegularFile(events) || !Files.isRegularFile(persons)) {
      throw new UserException("no simulator truth in " + truthDir + " (truth/events.csv, truth/persons.csv)");
    }
    Map<String, String> emails = new HashMap<>();
    for (Row r : spark.read().option("header", "true").csv(persons.toString()).filter(col("email").isNotNull())
        .select("person_id", "email").collectAsList()) {
      emails.put(r.getString(0), r.getString(1).toLowerCase(Locale.ROOT));
    }
    Set<String> out = new HashSet<>();
    // Read here rather than by Spark: with --gzip the simulator compresses it under the same name.
    try (BufferedReader in = new BufferedReader(new InputStreamReader(InputFileRows.decompressed(
        Files.newInputStream(events)), StandardCharsets.UTF_8))) {
      List<String> header = List.of(String.valueOf(in.readLine()).split(","));
      int device = header.indexOf("device_id");
      int person = header.indexOf("person_id");
      int login = header.indexOf("login");
      if (login < 0) {
        throw new UserException(events + " has no login column: simulate the traffic again with this version");
      }
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] cols = line.split(",", -1);
        if (cols.length > login && !cols[login].isEmpty()
            && cols[login].toLowerCase(Locale.ROOT).equals(emails.get(cols[person]))) {
          out.add(cols[device]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + events, e);
    }
    return out;
  }
}
