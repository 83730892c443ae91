package io.trailcast.core.testing;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * A small local Spark session for tests. The integration tests of every module share two test JVMs: a class
 * leaves its session running for the next one (a stopped one costs the next class a new Spark context).
 */
public final class TestSpark {
  private TestSpark() {
  }

  public static SparkSession local() {
    return builder().getOrCreate();
  }

  /**
   * A session wired to a test keyspace through the connector. Test classes of every module share test
   * JVMs: a session another class left behind without this node's address (a {@link #local()} one) is
   * stopped first, since the connector reads the address from the context's configuration, which
   * {@code getOrCreate} leaves as it was.
   */
  public static SparkSession connectedTo(CassandraTarget target) {
    scala.Option<SparkSession> existing = SparkSession.getActiveSession();
    if (existing.isEmpty()) {
      existing = SparkSession.getDefaultSession();
    }
    if (existing.isDefined() && !existing.get().sparkContext().getConf().get("spark.cassandra.connection.port", "")
        .equals(Integer.toString(target.connectorPort()))) {
      existing.get().stop();
    }
    return builder()
        .config("spark.cassandra.connection.host", target.hostNames())
        .config("spark.cassandra.connection.port", Integer.toString(target.connectorPort()))
        .config("spark.cassandra.connection.localDC", target.localDc())
        .getOrCreate();
  }

  private static SparkSession.Builder builder() {
    SparkConf conf = new SparkConf()
        .setMaster("local[2]")
        .setAppName("trailcast-test")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        // See SparkSessions: delay scheduling can hang a local scheduler.
        .set("spark.locality.wait", "0s");
    return SparkSession.builder().config(SparkSessions.applyDefaults(conf));
  }
}
