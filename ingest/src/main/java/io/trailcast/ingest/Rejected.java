package io.trailcast.ingest;

/**
 * A line that goes to quarantine: where it came from, why, and its text (cut to {@link #RAW_LIMIT}
 * characters, control bytes shown as {@code \xNN}).
 */
public record Rejected(String source, long line, String reason, String raw) {
  public static final int RAW_LIMIT = 2_000;
}
