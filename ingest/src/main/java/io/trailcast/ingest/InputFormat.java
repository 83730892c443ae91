package io.trailcast.ingest;

import io.trailcast.core.UserException;
import io.trailcast.ingest.parse.CaddyLogParser;
import io.trailcast.ingest.parse.LoadBalancerLogParser;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The formats ingest reads; {@code auto} detects one per file from its first line. {@code
 * log-format} is a file written by the server's own format string (the site config's
 * {@code log_format} or {@code --log-format}); the others are presets by name.
 */
public enum InputFormat {
  AUTO, COMBINED, COMMON, W3C, IIS, CLOUDFRONT, ALB, ELB, CADDY, JSONL, LOG_FORMAT;

  /** The {@code --format} flag's value. */
  public static InputFormat parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new UserException("unknown --format '" + text + "': use " + names());
    }
  }

  /**
   * The format a run reads: {@code --format} when given; else, when the site's logs have a format
   * string ({@code log_format}, {@code --log-format}), that one; else detected per file.
   */
  public static InputFormat of(String flag, SiteConfig site) {
    InputFormat format = parse(flag);
    if (format == LOG_FORMAT && site.logFormat() == null) {
      throw new UserException("--format log-format needs the format string: --log-format 'FORMAT' or the site "
          + "config's log_format");
    }
    return format == AUTO && site.logFormat() != null ? LOG_FORMAT : format;
  }

  /** Every value, as the flag spells them. */
  public static String names() {
    return Arrays.stream(values()).map(InputFormat::label).collect(Collectors.joining(", "));
  }

  /** The format of a file whose first non-blank line is {@code firstLine}. */
  public static InputFormat detect(String firstLine) {
    String line = firstLine == null ? "" : firstLine.stripLeading();
    if (line.startsWith("#")) {
      return W3C;
    }
    if (CaddyLogParser.looksLikeCaddy(line)) {
      return CADDY;
    }
    if (line.startsWith("{")) {
      return JSONL;
    }
    if (LoadBalancerLogParser.looksLikeAlb(line)) {
      return ALB;
    }
    if (LoadBalancerLogParser.looksLikeElb(line)) {
      return ELB;
    }
    return COMBINED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
