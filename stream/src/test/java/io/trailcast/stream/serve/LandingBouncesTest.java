package io.trailcast.stream.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The live windows holding an instant start where the stream's windows start: in the site time zone. */
class LandingBouncesTest {
  @Test
  void hourAndDayStartInTheSiteTimeZone() {
    Instant at = Instant.parse("2026-01-05T10:20:00Z");
    ZoneId kolkata = ZoneId.of("Asia/Kolkata");
    assertEquals(Instant.parse("2026-01-05T09:30:00Z"), LandingBounces.hourStart(at, kolkata), "15:50 local: 15:00");
    assertEquals(Instant.parse("2026-01-04T18:30:00Z"), LandingBounces.dayStart(at, kolkata));
    assertEquals(Instant.parse("2026-01-05T10:00:00Z"), LandingBounces.hourStart(at, ZoneId.of("UTC")));
    assertEquals(Instant.parse("2026-01-05T00:00:00Z"), LandingBounces.dayStart(at, ZoneId.of("UTC")));
    ZoneId newYork = ZoneId.of("America/New_York");
    assertEquals(Instant.parse("2026-01-05T05:00:00Z"), LandingBounces.dayStart(at, newYork));
  }
}
