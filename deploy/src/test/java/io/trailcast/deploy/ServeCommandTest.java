package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code serve}'s flags: its help, and bad values refused before anything is started. */
class ServeCommandTest {
  @Test
  void helpNamesTheEndpointsAndFlags() {
    Object[] help = CommandRun.run("serve", "--help");
    assertEquals(0, help[0]);
    String text = (String) help[1];
    for (String expected : new String[] {"GET /v1/users/{user_id}/score", "?fresh=true", "GET /v1/landing-pages/bounce",
        "GET /health", "--port=P", "--bind=ADDR", "--threads=N", "--queue=N", "--site-config=FILE", "--cassandra"}) {
      assertTrue(text.contains(expected), expected + " in:\n" + text);
    }
  }

  @Test
  void badFlagsAreOneLineAndExit2() {
    Object[] missing = CommandRun.run("serve");
    assertEquals(2, missing[0]);
    assertTrue(((String) missing[1]).startsWith("trailcast: Missing required option: '--port=P'"), (String) missing[1]);
    Object[] port = CommandRun.run("serve", "--port", "70000");
    assertEquals(2, port[0]);
    assertEquals("trailcast serve: --port must be between 0 and 65535, not 70000\n", port[1]);
    Object[] threads = CommandRun.run("serve", "--port", "8080", "--threads", "0");
    assertEquals(2, threads[0]);
    assertEquals("trailcast serve: --threads must be at least 1 and --queue at least 0\n", threads[1]);
  }
}
