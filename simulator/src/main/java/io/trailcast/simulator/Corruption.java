package io.trailcast.simulator;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Corrupt lines of the kinds real logs hold; each one must end in quarantine, never in events. */
final class Corruption {
  enum Kind { TRUNCATED, BINARY, ENCODING, BAD_DATE, HUGE }

  /** Over any sane bound of a log line (ingest's is far below). */
  static final int HUGE_LINE_BYTES = 200_000;

  private Corruption() {
  }

  static Kind pick(SplittableRandom random) {
    Kind[] kinds = Kind.values();
    return kinds[random.nextInt(kinds.length)];
  }

  /** A corrupt variant of a good line of the given format. */
  static byte[] corrupt(Kind kind, String line, LogFormat format, SplittableRandom random) {
    return switch (kind) {
      case TRUNCATED -> truncated(line, format, random).getBytes(StandardCharsets.UTF_8);
      case BINARY -> binary(random);
      case ENCODING -> line.getBytes(StandardCharsets.UTF_16LE);
      case BAD_DATE -> badDate(line, format).getBytes(StandardCharsets.UTF_8);
      case HUGE -> huge(line, format).getBytes(StandardCharsets.UTF_8);
    };
  }

  /** Cut inside the request (combined), inside the fields (W3C) or the object (JSON). */
  private static String truncated(String line, LogFormat format, SplittableRandom random) {
    return switch (format) {
      case COMBINED -> {
        int quote = line.indexOf('"');
        int end = line.indexOf(" HTTP/", quote);
        yield line.substring(0, quote + 2 + random.nextInt(Math.max(1, end - quote - 2)));
      }
      case W3C -> line.substring(0, line.indexOf(' ', line.indexOf(' ') + 1));
      case JSONL -> line.substring(0, line.length() / 2);
    };
  }

  private static byte[] binary(SplittableRandom random) {
    byte[] bytes = new byte[40 + random.nextInt(160)];
    for (int i = 0; i < bytes.length; i++) {
      byte b = (byte) random.nextInt(256);
      bytes[i] = b == '\n' || b == '\r' ? 0 : b;
    }
    bytes[0] = 0;
    return bytes;
  }

  private static String badDate(String line, LogFormat format) {
    return switch (format) {
      case COMBINED -> line.replaceFirst("\\[[^]]+]", "[31/Feb/2026:25:61:00 +0000]");
      case W3C -> line.replaceFirst("^\\S+ \\S+", "2026-02-31 25:61:00");
      case JSONL -> line.replaceFirst("\"ts\":\"[^\"]+\"", "\"ts\":\"2026-02-31T25:61:00+00:00\"");
    };
  }

  private static String huge(String line, LogFormat format) {
    String pad = "x".repeat(HUGE_LINE_BYTES);
    return switch (format) {
      case COMBINED -> line.replaceFirst(" HTTP/1.1\"", "?pad=" + pad + " HTTP/1.1\"");
      case W3C -> line + " " + pad;
      case JSONL -> line.replaceFirst("\"url\":\"", "\"url\":\"" + pad);
    };
  }
}
