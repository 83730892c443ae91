package io.trailcast.core.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailcast.core.UserException;
import org.junit.jupiter.api.Test;

class ReplicationTest {
  @Test
  void simpleStrategyForOneNode() {
    assertEquals("{'class': 'SimpleStrategy', 'replication_factor': 1}", Replication.parse("simple:1").cql());
    assertEquals(Replication.EMBEDDED, Replication.parse(""));
  }

  @Test
  void networkTopologyForDataCentres() {
    assertEquals("{'class': 'NetworkTopologyStrategy', 'eu': 3, 'us': 2}", Replication.parse("us:2,eu:3").cql());
  }

  @Test
  void badSpecsAreRejected() {
    assertThrows(UserException.class, () -> Replication.parse("simple"));
    assertThrows(UserException.class, () -> Replication.parse("dc1:zero"));
    assertThrows(UserException.class, () -> Replication.parse("dc1:0"));
    assertThrows(UserException.class, () -> Replication.parse("simple:1,dc1:3"));
  }
}
