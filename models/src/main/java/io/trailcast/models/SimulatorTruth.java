package io.trailcast.models;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_timestamp;

import io.trailcast.core.UserException;
import io.trailcast.ingest.Hashing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The simulator's truth about conversions (docs/simulator.md), keyed like trailcast's sessions:
 * each human visit's true conversion probability {@code p}, by the user id ingest gives its
 * device and the session's start. Comparing a model with {@code p} on the very same sessions is
 * the fair reading of "ROC AUC against the Bayes AUC".
 */
public final class SimulatorTruth {
  private static final StructType USER_IDS = new StructType()
      .add("device_id", DataTypes.StringType, false)
      .add("user_id", DataTypes.StringType, false);

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
    Path devices = dir.resolve("truth/devices.csv");
    if (!Files.isRegularFile(sessions) || !Files.isRegularFile(devices)) {
      throw new UserException("no simulator truth in " + dir + " (truth/sessions.csv, truth/devices.csv): give the "
          + "folder `bin/trailcast simulate --out` wrote");
    }
    List<Row> ids = new ArrayList<>();
    for (Row device : spark.read().option("header", "true").csv(devices.toString())
        .select("device_id", "ip", "user_agent", "cookie").collectAsList()) {
      ids.add(RowFactory.create(device.getString(0), "h:" + Hashing.salted(salt,
          nullToEmpty(device.getString(1)) + "\u0001" + nullToEmpty(device.getString(2)))));
      if (device.getString(3) != null) {
        ids.add(RowFactory.create(device.getString(0), "c:" + device.getString(3)));
      }
    }
    Dataset<Row> userIds = spark.createDataFrame(ids, USER_IDS);
    return spark.read().option("header", "true").csv(sessions.toString())
        .filter(col("conversion_probability").isNotNull())
        .select(col("device_id"), to_timestamp(col("start")).as("session_start"),
            col("conversion_probability").cast(DataTypes.DoubleType).as("bayes_p"),
            col("converted").equalTo("true").as("truth_converted"))
        .join(userIds, "device_id")
        .drop("device_id");
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
