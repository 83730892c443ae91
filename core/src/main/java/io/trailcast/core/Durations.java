package io.trailcast.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations as people write them in configs and flags: {@code 30m}, {@code 1h}, {@code 90s},
 * {@code 1h30m}, {@code 250ms}.
 */
public final class Durations {
  private Durations() {
  }

  /** A positive duration; anything else is a one-line {@link UserException} naming {@code what}. */
  public static Duration parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new UserException(what + ": empty duration; use forms like 30m, 10m, 1h, 90s, 250ms");
    }
    Duration duration;
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    try {
      duration = trimmed.matches("\\d+ms") ? Duration.ofMillis(Long.parseLong(trimmed.substring(0,
          trimmed.length() - 2))) : Duration.parse("PT" + trimmed.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new UserException(what + ": bad duration '" + text + "'; use forms like 30m, 10m, 1h, 90s, 250ms", e);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new UserException(what + ": duration '" + text + "' must be positive");
    }
    return duration;
  }

  /** The short form {@link #parse} reads back: {@code 30m}, {@code 12h}, {@code 100s}, {@code 250ms}. */
  public static String format(Duration duration) {
    if (duration.toMillis() < 1000 && !duration.isZero()) {
      return duration.toMillis() + "ms";
    }
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
