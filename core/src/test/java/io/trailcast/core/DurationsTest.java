package io.trailcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void readsTheShortForms() {
    assertEquals(Duration.ofMinutes(30), Durations.parse("30m", "gap"));
    assertEquals(Duration.ofMinutes(90), Durations.parse(" 1h30m ", "gap"));
    assertEquals(Duration.ofSeconds(100), Durations.parse("100S", "gap"));
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms", "--trigger"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1500ms", "--trigger"));
  }

  @Test
  void formatsWhatItReads() {
    for (String text : new String[] {"30m", "12h", "10s", "1h30m", "250ms"}) {
      assertEquals(text, Durations.format(Durations.parse(text, "x")));
    }
    Duration burst = Duration.ofSeconds(100);
    assertEquals("1m40s", Durations.format(burst));
    assertEquals(burst, Durations.parse(Durations.format(burst), "x"));
  }

  @Test
  void badOrNonPositiveDurationsAreOneLineErrorsNamingTheSetting() {
    UserException bad = assertThrows(UserException.class, () -> Durations.parse("30 minutes", "--session-gap"));
    assertTrue(bad.getMessage().startsWith("--session-gap: bad duration '30 minutes'"), bad.getMessage());
    assertThrows(UserException.class, () -> Durations.parse("0m", "gap"));
    assertThrows(UserException.class, () -> Durations.parse("-5m", "gap"));
    assertThrows(UserException.class, () -> Durations.parse("", "gap"));
    assertThrows(UserException.class, () -> Durations.parse("0ms", "--trigger"));
    assertThrows(UserException.class, () -> Durations.parse("ms", "--trigger"));
  }
}
