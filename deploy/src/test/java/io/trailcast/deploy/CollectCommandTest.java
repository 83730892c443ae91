package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code collect}'s flags: its help, and bad values refused before Kafka is asked anything. */
class CollectCommandTest {
  @Test
  void helpNamesTheEndpointsAndFlags() {
    Object[] help = CommandRun.run("collect", "--help");
    assertEquals(0, help[0]);
    String text = ((String) help[1]).replaceAll("\\s+", " ");
    for (String expected : new String[] {"POST /events", "/mirror and /mirror/...", "GET /health", "400", "405",
        "acks=all", "503", "SIGTERM", "--port=P", "--kafka=HOST:PORT", "--topic=T", "--threads=N", "--queue=N",
        "--ack-timeout=DURATION", "--request-timeout=DURATION", "Default: 32", "Default: 256", "Default: 5s",
        "Default: 10s"}) {
      assertTrue(text.contains(expected), expected + " in:\n" + text);
    }
  }

  @Test
  void badFlagsAreOneLineAndExit2() {
    Object[] ack = CommandRun.run("collect", "--port", "8080", "--ack-timeout", "10s");
    assertEquals(2, ack[0]);
    assertEquals("trailcast collect: the ack timeout (10000 ms) must be shorter than the request timeout (10 s), "
        + "which bounds the answer too\n", ack[1]);
    Object[] request = CommandRun.run("collect", "--port", "8080", "--request-timeout", "1500ms");
    assertEquals(2, request[0]);
    assertEquals("trailcast collect: the request timeout must be whole seconds, at least one, not 1500 ms\n",
        request[1]);
    Object[] threads = CommandRun.run("collect", "--port", "8080", "--threads", "0");
    assertEquals(2, threads[0]);
    assertEquals("trailcast collect: threads must be at least 1 and the queue at least 0\n", threads[1]);
  }
}
