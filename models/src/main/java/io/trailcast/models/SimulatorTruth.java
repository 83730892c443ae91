package io.trailcast.models;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_timestamp;

import io.trailcast.core.UserException;
import io.trailcast.ingest.SimulatedUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The simulator's truth about conversions (docs/simulator.md), keyed like trailcast's sessions:
 * each human visit's true conversion probability {@code p}, by the user id ingest gives its
 * device and the session's start. Comparing a model with {@code p} on the very same sessions is
 * the fair reading of "ROC AUC against the Bayes AUC".
 */
public final class SimulatorTruth {
  private SimulatorTruth() {
  }

  /**
   * (user_id, session_start, bayes_p, truth_converted) for every simulated session with a known
   * {@code p}; {@code dir} is the simulator's {@code --out} folder, {@code salt} the one ingest
   * hashed addresses with. A device appears under both ids ingest may give it: its cookie where the
   * log format carries one ({@code c:}), else its hashed address and user agent ({@code h:}).
   */
  public static Dataset<Row> sessions(SparkSession spark, Path dir, String salt) {
    Path sessions = dir.resolve("truth/sessions.csv");
    if (!Files.isRegularFile(sessions)) {
      throw new UserException("no simulator truth in " + dir + " (truth/sessions.csv): give the folder "
          + "`bin/trailcast simulate --out` wrote");
    }
    Dataset<Row> userIds = SimulatedUsers.of(spark, dir, salt).select("device_id", "user_id");
    return spark.read().option("header", "true").csv(sessions.toString())
        .filter(col("conversion_probability").isNotNull())
        .select(col("device_id"), to_timestamp(col("start")).as("session_start"),
            col("conversion_probability").cast(DataTypes.DoubleType).as("bayes_p"),
            col("converted").equalTo("true").as("truth_converted"))
        .join(userIds, "device_id")
        .drop("device_id");
  }
}
