package io.trailcast.enrich.tokens;

import io.trailcast.core.UserException;
import java.util.Locale;

/** The languages trailcast tokenises with their own rules; {@code AUTO} uses all their stop words. */
public enum Language {
  EN, FR, ES, AUTO;

  /** {@code en}, {@code fr}, {@code es} or {@code auto}, as configs and flags write them. */
  public static Language of(String code) {
    try {
      return valueOf(code.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserException("unknown language '" + code + "': use en, fr, es or auto", e);
    }
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
