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

  @Test
  void whatCassandraStoresReadsBackAsTheSameReplication() {
    assertEquals(Replication.parse("simple:3"), Replication.of(java.util.Map.of("class",
        "org.apache.cassandra.locator.SimpleStrategy", "replication_factor", "3")));
    assertEquals(Replication.parse("us:2,eu:3"), Replication.of(java.util.Map.of("class",
        "org.apache.cassandra.locator.NetworkTopologyStrategy", "eu", "3", "us", "2")));
    assertEquals("eu:3,us:2", Replication.parse("us:2,eu:3").describe());
    assertEquals("simple:1", Replication.EMBEDDED.describe());
  }

  @Test
  void moreCopiesThanNodesAreNamed() {
    java.util.Map<String, Integer> threeNodes = java.util.Map.of("datacenter1", 3);
    assertEquals(null, Replication.parse("simple:3").exceeds(threeNodes));
    assertEquals("4 copies need 4 nodes; the cluster has 3", Replication.parse("simple:4").exceeds(threeNodes));
    assertEquals(null, Replication.parse("datacenter1:3").exceeds(threeNodes));
    assertEquals("2 copies need 2 nodes; data centre eu has 0 (the cluster's: {datacenter1=3})",
        Replication.parse("datacenter1:3,eu:2").exceeds(threeNodes));
  }
}
