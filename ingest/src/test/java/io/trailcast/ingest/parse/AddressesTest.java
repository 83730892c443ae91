package io.trailcast.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressesTest {
  @Test
  void ipv6IsCheckedStrictly() {
    for (String ip : new String[] {"::1", "2001:cdba::3257:9652", "2a03:0000:10ff:f00f:0000:0000:0:8000",
        "::ffff:10.0.0.1", "fe80::1"}) {
      assertTrue(Addresses.isIpv6(ip), ip);
    }
    for (String notIp : new String[] {"cafe:80", "10.0.0.5:443", "localhost:80", "1::2::3", "12345::1", "abc",
        "1:2:3:4:5:6:7:"}) {
      assertFalse(Addresses.isIpv6(notIp), notIp);
    }
  }

  @Test
  void privateHopsAreNotTheVisitor() {
    assertTrue(Addresses.isPrivate("10.2.1.185"));
    assertTrue(Addresses.isPrivate("172.20.0.1"));
    assertTrue(Addresses.isPrivate("::1"));
    assertFalse(Addresses.isPrivate("199.96.1.1"));
    assertFalse(Addresses.isPrivate("2a03:0000:10ff:f00f:0000:0000:0:8000"));
  }
}
