package io.trailcast.ingest.parse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C extended log lines: IIS (with its site fields: s-sitename, s-computername, s-ip, s-port,
 * cs-host, ...) and CloudFront's standard logs. Stateful per file: the {@code #Fields:} directive
 * says which field each column holds and may change anywhere in the file. Times are UTC, as the
 * format requires. Columns are separated by spaces (IIS) or tabs (CloudFront). CloudFront (told by
 * its {@code x-edge-location} field) percent-encodes the user agent, and names the site's host in
 * {@code x-host-header} (its {@code cs(Host)} is the distribution's own domain).
 */
public final class W3cLogParser {
  private Map<String, Integer> columns;
  private int width;
  private boolean cloudFront;

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
      cloudFront = columns.containsKey("x-edge-location");
    }
  }

  public ParsedLine parse(String line) {
    if (columns == null) {
      return ParsedLine.reject("W3C data line before any #Fields directive");
    }
    String[] values = line.split(line.indexOf('\t') >= 0 ? "\t" : " ", -1);
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
    String rawAgent = value(values, "cs(User-Agent)");
    String agent = cloudFront ? percentDecoded(rawAgent) : plusDecoded(rawAgent);
    String method = value(values, "cs-method");
    String host = cloudFront ? value(values, "x-host-header") : value(values, "cs-host");
    return new ParsedLine(ts, client, plusDecoded(value(values, "cs-username")), method == null ? "GET" : method,
        query == null ? stem : stem + "?" + query, status, bytes, value(values, "cs(Referer)"),
        agent == null && columns.containsKey("cs(User-Agent)") ? "" : agent, host, null,
        null, null, null, null);
  }

  /**
   * CloudFront writes a user agent percent-encoded ({@code Mozilla/5.0%20(X11;...)}), a '%' of the
   * original as {@code %25}, so one decoding gives the header; a malformed escape is kept as text.
   */
  static String percentDecoded(String value) {
    if (value == null || value.indexOf('%') < 0) {
      return value;
    }
    byte[] raw = value.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      int high = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
      int low = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
      if (raw[i] == '%' && high >= 0 && low >= 0) {
        decoded.write(high * 16 + low);
        i += 2;
      } else {
        decoded.write(raw[i]);
      }
    }
    return decoded.toString(StandardCharsets.UTF_8);
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
