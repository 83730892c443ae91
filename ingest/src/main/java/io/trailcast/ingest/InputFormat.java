package io.trailcast.ingest;

import io.trailcast.core.UserException;
import java.util.Locale;

/** The formats ingest reads; {@code auto} detects one per file from its first line. */
public enum InputFormat {
  AUTO, COMBINED, COMMON, W3C, JSONL;

  public static InputFormat parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserException("unknown --format '" + text + "': use auto, combined, common, w3c or jsonl");
    }
  }

  /** The format of a file whose first non-blank line is {@code firstLine}. */
  public static InputFormat detect(String firstLine) {
    String line = firstLine == null ? "" : firstLine.stripLeading();
    if (line.startsWith("#")) {
      return W3C;
    }
    if (line.startsWith("{")) {
      return JSONL;
    }
    return COMBINED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
