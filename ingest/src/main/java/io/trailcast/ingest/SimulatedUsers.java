package io.trailcast.ingest;

import io.trailcast.core.UserException;
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
 * The user ids ingest gives the simulator's devices ({@code truth/devices.csv}), so that its truth
 * files can be compared with trailcast's tables: a device appears under both ids the identity
 * rule may give it, its cookie ({@code c:}, where the log format carries one) and the salted hash
 * of its address and user agent ({@code h:}).
 */
public final class SimulatedUsers {
  private static final StructType SCHEMA = new StructType()
      .add("device_id", DataTypes.StringType, false)
      .add("person_id", DataTypes.StringType, false)
      .add("bot", DataTypes.BooleanType, false)
      .add("user_id", DataTypes.StringType, false);

  private SimulatedUsers() {
  }

  /** (device_id, person_id, bot, user_id) of the simulation in {@code dir} (its --out folder). */
  public static Dataset<Row> of(SparkSession spark, Path dir, String salt) {
    Path devices = dir.resolve("truth/devices.csv");
    if (!Files.isRegularFile(devices)) {
      throw new UserException("no simulator truth in " + dir + " (truth/devices.csv): give the folder "
          + "`bin/trailcast simulate --out` wrote");
    }
    List<Row> ids = new ArrayList<>();
    for (Row d : spark.read().option("header", "true").csv(devices.toString())
        .select("device_id", "person_id", "bot", "ip", "user_agent", "cookie").collectAsList()) {
      boolean bot = Boolean.parseBoolean(d.getString(2));
      ids.add(RowFactory.create(d.getString(0), d.getString(1), bot, EventBuilder.addressUserId(salt,
          d.getString(3), d.getString(4))));
      if (d.getString(5) != null) {
        ids.add(RowFactory.create(d.getString(0), d.getString(1), bot, EventBuilder.cookieUserId(salt,
            d.getString(5))));
      }
    }
    return spark.createDataFrame(ids, SCHEMA);
  }
}
