package io.trailcast.stream;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import java.time.Duration;

/**
 * The streaming job in a JVM of its own, for a test to kill: {@code HOST:PORT KEYSPACE SOURCE
 * CHECKPOINT MAX_PER_TRIGGER}, drained with AvailableNow.
 */
public final class StreamProcess {
  private StreamProcess() {
  }

  public static void main(String[] args) {
    CassandraTarget target = CassandraTarget.parse(args[0], args[1], CassandraTarget.DEFAULT_DC);
    StreamJob.Options options = new StreamJob.Options(StreamSource.parse(args[2]), InputFormat.AUTO,
        SiteConfig.defaults(), StreamIT.SALT, args[3], true, null, Duration.ZERO, Long.parseLong(args[4]),
        StreamIT.DELAY, Duration.ofSeconds(2), "earliest", 50, Duration.ofMinutes(10), 0);
    try (Store store = Store.open(target)) {
      StreamJob.run(SparkSessions.create("stream-it", target), store, options);
    }
    // Spark's non-daemon threads would keep a finished run alive.
    System.exit(0);
  }
}
