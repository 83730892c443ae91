package io.trailcast.core.spark;

import io.trailcast.core.cassandra.CassandraTarget;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session of a job. The master comes from {@code spark-submit} or the launcher;
 * only when none is set (a plain {@code java} run) does it default to {@code local[*]}.
 */
public final class SparkSessions {
  public static final String CONSISTENCY_READ = "spark.cassandra.input.consistency.level";
  public static final String CONSISTENCY_WRITE = "spark.cassandra.output.consistency.level";

  private SparkSessions() {
  }

  public static SparkSession create(String appName, CassandraTarget target) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setAppName("trailcast " + appName);
    if (conf.get("spark.master").startsWith("local")) {
      // One machine: a handful of shuffle partitions beats Spark's 200 tiny ones.
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      // One executor: locality means nothing, and a local scheduler waiting for a better location
      // is never offered one again (reads of Cassandra partitions hung forever in the identity job).
      conf.setIfMissing("spark.locality.wait", "0s");
    }
    applyDefaults(conf);
    conf.set("spark.cassandra.connection.host", target.hostNames());
    conf.set("spark.cassandra.connection.port", Integer.toString(target.connectorPort()));
    conf.set("spark.cassandra.connection.localDC", target.localDc());
    // The connector's own reads and writes, and ours through its sessions (CassandraWriter, CassandraTables).
    conf.set(CONSISTENCY_READ, target.consistency());
    conf.set(CONSISTENCY_WRITE, target.consistency());
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /**
   * The consistency level of {@code setting} ({@link #CONSISTENCY_READ} or {@link #CONSISTENCY_WRITE}) in
   * this JVM's Spark conf, driver or executor, where trailcast's own statements run: the job's
   * {@code --consistency}, LOCAL_QUORUM when none is set (or outside Spark).
   */
  public static com.datastax.oss.driver.api.core.ConsistencyLevel consistency(String setting) {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    String level = env == null ? CassandraTarget.DEFAULT_CONSISTENCY
        : env.conf().get(setting, CassandraTarget.DEFAULT_CONSISTENCY);
    return com.datastax.oss.driver.api.core.DefaultConsistencyLevel.valueOf(level);
  }

  /** The settings every trailcast session has (the tests' sessions too), where {@code conf} does not set them. */
  public static SparkConf applyDefaults(SparkConf conf) {
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    conf.setIfMissing("spark.cassandra.output.concurrent.writes", "16");
    // A null column written as null is a tombstone per cell; unset it instead (jobs write whole rows).
    conf.setIfMissing("spark.cassandra.output.ignoreNulls", "true");
    // Jobs write rows sorted by partition: bigger single-partition batches, fewer requests.
    conf.setIfMissing("spark.cassandra.output.batch.size.bytes", "16384");
    // Generated classes are cached by their source. One aggregate generates some 190 and Spark keeps 100:
    // a warm JVM compiled them all again on every run (docs/BENCHMARKS.md, "Small runs").
    conf.setIfMissing("spark.sql.codegen.cache.maxEntries", "2000");
    return conf;
  }
}
