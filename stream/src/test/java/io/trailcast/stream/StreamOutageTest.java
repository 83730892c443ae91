package io.trailcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import org.junit.jupiter.api.Test;

/** Which failures of the live query the job rides out (restarting from its checkpoint), and which end it. */
class StreamOutageTest {
  @Test
  void cassandraOrKafkaUnreachableIsAnOutageToRideOut() {
    String cassandra = StreamJob.outage(new IllegalStateException("batch failed",
        new RuntimeException("task failed", new NoNodeAvailableException())));
    assertTrue(cassandra.startsWith("Cassandra unreachable or overloaded (NoNodeAvailableException: "), cassandra);
    String timeout = StreamJob.outage(new DriverTimeoutException("Query timed out after PT2S\nmore"));
    assertEquals("Cassandra unreachable or overloaded (DriverTimeoutException: Query timed out after PT2S)", timeout);
    String kafka = StreamJob.outage(new RuntimeException(new org.apache.kafka.common.errors.TimeoutException(
        "Timeout of 60000ms expired before the position for partition t-0 could be determined")));
    assertTrue(kafka.startsWith("Kafka unreachable (TimeoutException: Timeout of 60000ms"), kafka);
  }

  @Test
  void anythingElseEndsTheRun() {
    assertNull(StreamJob.outage(new IllegalStateException("a bug", new NullPointerException())));
    assertNull(StreamJob.outage(new org.apache.kafka.common.errors.SerializationException("bad record")));
  }
}
