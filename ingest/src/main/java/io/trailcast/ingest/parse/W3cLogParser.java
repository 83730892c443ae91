package io.trailcast.ingest.parse;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C extended log lines (IIS). Stateful per file: the {@code #Fields:} directive says which field
 * each column holds and may change anywhere in the file. Times are UTC, as the format requires.
 */
public final class W3cLogParser {
  private Map<String, Integer> columns;
  private int width;

  /** Whether a line is a directive ({@code #...}); directives update the parser and are not events. */
  public static boolean isDirective(String line) {
    return line.startsWith("#");
  }

  /** Reads a directive; only {@code #Fields:} matters. */
  public void directive(String line) {
    if (line.startsWith("#Fields:")) {
      String[] fields = line.substring("#Fields:".length()).trim().split("\\s+");
      columns = new HashMap<>();
      for (int i = 0; i < fields.length; i++) {
        columns.put(fields[i], i);
      }
      width = fields.length;
    }
  }

  public ParsedLine parse(String line) {
    if (columns == null) {
      return ParsedLine.reject("W3C data line before any #Fields directive");
    }
    String[] values = line.split(" ", -1);
    if (values.length != width) {
      return ParsedLine.reject("W3C line has " + values.length + " fields, #Fields declares " + width);
    }
    String date = value(values, "date");
    String time = value(values, "time");
    if (date == null || time == null) {
      return ParsedLine.reject("W3C line without date or time");
    }
    long ts;
    try {
      ts = LocalDate.parse(date).atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeException e) {
      return ParsedLine.reject("bad timestamp '" + date + " " + time + "'");
    }
    String client = value(values, "c-ip");
    if (client == null || !(Addresses.isIp(client) || Addresses.isHostName(client))) {
      return ParsedLine.reject("bad client address '" + (client == null ? "-" : client) + "'");
    }
    String stem = value(values, "cs-uri-stem");
    if (stem == null) {
      return ParsedLine.reject("W3C line without cs-uri-stem");
    }
    String query = value(values, "cs-uri-query");
    String statusText = value(values, "sc-status");
    int status;
    try {
      status = statusText == null ? 200 : Integer.parseInt(statusText);
    } catch (NumberFormatException e) {
      return ParsedLine.reject("bad status '" + statusText + "'");
    }
    if (status < 100 || status > 599) {
      return ParsedLine.reject("bad status '" + statusText + "'");
    }
    String bytesText = value(values, "sc-bytes");
    Long bytes;
    try {
      bytes = bytesText == null ? null : Long.valueOf(bytesText);
    } catch (NumberFormatException e) {
      return ParsedLine.reject("bad size '" + bytesText + "'");
    }
    String agent = columns.containsKey("cs(User-Agent)") ? plusDecoded(value(values, "cs(User-Agent)")) : null;
    String method = value(values, "cs-method");
    return new ParsedLine(ts, client, plusDecoded(value(values, "cs-username")), method == null ? "GET" : method,
        query == null ? stem : stem + "?" + query, status, bytes, value(values, "cs(Referer)"),
        agent == null && columns.containsKey("cs(User-Agent)") ? "" : agent, value(values, "cs-host"), null,
        null, null, null, null);
  }

  private String value(String[] values, String field) {
    Integer index = columns.get(field);
    if (index == null) {
      return null;
    }
    String value = values[index];
    return value.isEmpty() || value.equals("-") ? null : value;
  }

  /** W3C writes spaces inside a field as '+'. */
  private static String plusDecoded(String value) {
    return value == null ? null : value.replace('+', ' ');
  }
}
