package io.trailcast.core.testing;

import io.trailcast.core.cassandra.CassandraTarget;
import org.apache.spark.sql.SparkSession;

/** A small local Spark session for tests (one per test class; close it in {@code @AfterAll}). */
public final class TestSpark {
  private TestSpark() {
  }

  public static SparkSession local() {
    return builder().getOrCreate();
  }

  /** A session wired to a test keyspace through the connector. */
  public static SparkSession connectedTo(CassandraTarget target) {
    return builder()
        .config("spark.cassandra.connection.host", target.hostNames())
        .config("spark.cassandra.connection.port", Integer.toString(target.connectorPort()))
        .config("spark.cassandra.connection.localDC", target.localDc())
        .getOrCreate();
  }

  private static SparkSession.Builder builder() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("trailcast-test")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        // See SparkSessions: delay scheduling can hang a local scheduler.
        .config("spark.locality.wait", "0s")
        .config("spark.sql.session.timeZone", "UTC");
  }
}
