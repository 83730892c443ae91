package io.trailcast.ingest;

import io.trailcast.core.Durations;
import io.trailcast.ingest.parse.CaddyLogParser;
import io.trailcast.ingest.parse.CombinedLogParser;
import io.trailcast.ingest.parse.FormatStringParser;
import io.trailcast.ingest.parse.JsonEventParser;
import io.trailcast.ingest.parse.LoadBalancerLogParser;
import io.trailcast.ingest.parse.ParsedLine;
import io.trailcast.ingest.parse.W3cLogParser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Every raw line of one file gives exactly one outcome: an {@link Event}, a {@link Rejected} line,
 * or nothing for a line that holds no data (blank, W3C directive). Stateful per file: W3C's
 * {@code #Fields:} header and the detected format carry from line to line.
 */
public final class LineIngester {
  /** Longest line read in full (a real request line stays far below it). */
  public static final int MAX_LINE_BYTES = 16_384;
  /** Event times before 1990 or after 2099 are mistakes (epoch seconds or nanoseconds for ms). */
  static final long MIN_TS = java.time.Instant.parse("1990-01-01T00:00:00Z").toEpochMilli();
  static final long MAX_TS = java.time.Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

  private final String source;
  private final EventBuilder builder;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private static final LoadBalancerLogParser ALB_LINES = LoadBalancerLogParser.alb();
  private static final LoadBalancerLogParser ELB_LINES = LoadBalancerLogParser.elb();
  private final W3cLogParser w3c = new W3cLogParser();
  private InputFormat format;

  private final java.util.function.LongSupplier clock;
  private final long futureToleranceMs;

  public LineIngester(String source, InputFormat format, EventBuilder builder) {
    this(source, format, builder, System::currentTimeMillis);
  }

  /** {@code clock}: the time a line is read at, for the site's future tolerance. */
  LineIngester(String source, InputFormat format, EventBuilder builder, java.util.function.LongSupplier clock) {
    this.source = source;
    this.format = format == InputFormat.AUTO ? null : format;
    this.builder = builder;
    this.clock = clock;
    this.futureToleranceMs = builder.site().futureTolerance().toMillis();
  }

  /** The outcome of one line: an Event, a Rejected, or null for a line without data. */
  public Object accept(byte[] bytes, boolean overLong, long totalBytes, long lineNo) {
    if (overLong) {
      return reject(lineNo, "line longer than " + MAX_LINE_BYTES + " bytes (" + totalBytes + ")", bytes);
    }
    String text;
    try {
      text = utf8.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return reject(lineNo, "not valid UTF-8 text", bytes);
    }
    if (lineNo == 1) {
      text = withoutBom(text);
    }
    if (text.isBlank()) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return reject(lineNo, "binary data (control character 0x" + Integer.toHexString(c) + ")", bytes);
      }
    }
    if (format == null) {
      format = InputFormat.detect(text);
    }
    ParsedLine parsed;
    String eventId;
    switch (format) {
      case W3C, IIS, CLOUDFRONT -> {
        if (W3cLogParser.isDirective(text)) {
          w3c.directive(text);
          return null;
        }
        parsed = w3c.parse(text);
        eventId = Hashing.of(bytes);
      }
      case JSONL -> {
        parsed = JsonEventParser.parse(text);
        eventId = parsed.isRejected() ? null : Hashing.of((parsed.ts() + "\u0001" + parsed.user() + "\u0001"
            + parsed.target() + "\u0001" + parsed.action() + "\u0001" + parsed.query())
            .getBytes(StandardCharsets.UTF_8));
      }
      case ALB -> {
        parsed = ALB_LINES.parse(text);
        eventId = Hashing.of(bytes);
      }
      case ELB -> {
        parsed = ELB_LINES.parse(text);
        eventId = Hashing.of(bytes);
      }
      case CADDY -> {
        parsed = CaddyLogParser.parse(text);
        eventId = Hashing.of(bytes);
      }
      case LOG_FORMAT -> {
        parsed = FormatStringParser.cached(builder.site().logFormat()).parse(text);
        eventId = Hashing.of(bytes);
      }
      default -> {
        parsed = CombinedLogParser.parse(text);
        eventId = Hashing.of(bytes);
      }
    }
    if (parsed.isRejected()) {
      return reject(lineNo, parsed.rejectReason(), bytes);
    }
    if (parsed.ts() < MIN_TS || parsed.ts() >= MAX_TS) {
      return reject(lineNo, "timestamp out of range (1990 to 2099): " + parsed.ts() + " ms", bytes);
    }
    long now = clock.getAsLong();
    if (parsed.ts() > now + futureToleranceMs) {
      return reject(lineNo, "timestamp in the future: " + java.time.Instant.ofEpochMilli(parsed.ts()) + " is more than "
          + Durations.format(builder.site().futureTolerance()) + " after the line was read", bytes);
    }
    return builder.build(parsed, eventId, source, lineNo);
  }

  /** A UTF-8 byte order mark at the start of a file is no data. */
  static String withoutBom(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  public InputFormat format() {
    return format;
  }

  /** Quarantine keeps the line for a person to read why it failed, without the personal data it holds. */
  private Rejected reject(long lineNo, String reason, byte[] bytes) {
    PersonalData personal = builder.personalData();
    String masked = personal.maskLine(printable(bytes, 2 * Rejected.RAW_LIMIT));
    return new Rejected(source, lineNo, personal.maskLine(reason),
        masked.length() > Rejected.RAW_LIMIT ? masked.substring(0, Rejected.RAW_LIMIT) : masked);
  }

  /**
   * The raw line for a person to read: valid UTF-8 as text, controls and other bytes as \xNN; up to
   * {@code limit} characters (masking reads a little past the cut, so that no address is cut in half).
   */
  static String printable(byte[] bytes, int limit) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      text = null;
    }
    StringBuilder out = new StringBuilder();
    int n = text == null ? bytes.length : text.length();
    for (int i = 0; i < n && out.length() < limit; i++) {
      int c = text == null ? bytes[i] & 0xff : text.charAt(i);
      boolean control = (c < 0x20 && c != '\t') || c == 0x7f;
      if (control || (text == null && c > 0x7e)) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }
}
