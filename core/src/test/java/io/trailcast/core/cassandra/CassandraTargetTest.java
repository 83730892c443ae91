package io.trailcast.core.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.UserException;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraTargetTest {
  @Test
  void noHostsMeansTheEmbeddedNode() {
    CassandraTarget target = CassandraTarget.parse(null, "trailcast", "datacenter1");
    assertTrue(target.isEmbedded());
    assertEquals(List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9042)), target.contactPoints());
  }

  @Test
  void hostsKeepTheirOwnPorts() {
    CassandraTarget target = CassandraTarget.parse("cass1, cass2:9142", "prod", "dc1");
    assertFalse(target.isEmbedded());
    assertEquals(List.of(InetSocketAddress.createUnresolved("cass1", 9042),
        InetSocketAddress.createUnresolved("cass2", 9142)), target.contactPoints());
    assertEquals("cass1,cass2", target.hostNames());
    assertEquals("dc1", target.localDc());
  }

  @Test
  void badInputFailsWithOneLine() {
    UserException emptyHost = assertThrows(UserException.class, () -> CassandraTarget.parse("a,,b", "k", "dc"));
    assertEquals("bad --cassandra 'a,,b': empty host name", emptyHost.getMessage());
    assertThrows(UserException.class, () -> CassandraTarget.parse("a:port", "k", "dc").contactPoints());
    assertThrows(UserException.class, () -> CassandraTarget.parse(null, "Bad-Name", "dc"));
  }
}
