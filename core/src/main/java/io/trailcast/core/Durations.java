package io.trailcast.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Durations as people write them in configs and flags: {@code 30m}, {@code 1h}, {@code 90s}, {@code 1h30m}. */
public final class Durations {
  private Durations() {
  }

  /** A positive duration; anything else is a one-line {@link UserException} naming {@code what}. */
  public static Duration parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new UserException(what + ": empty duration; use forms like 30m, 10m, 1h, 90s");
    }
    Duration duration;
    try {
      duration = Duration.parse("PT" + text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new UserException(what + ": bad duration '" + text + "'; use forms like 30m, 10m, 1h, 90s", e);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new UserException(what + ": duration '" + text + "' must be positive");
    }
    return duration;
  }

  /** The short form {@link #parse} reads back: {@code 30m}, {@code 12h}, {@code 100s}. */
  public static String format(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
