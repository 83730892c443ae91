package io.trailcast.ingest.parse;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Apache/nginx access lines: common and combined, with what real servers put around them — a
 * virtual host ({@code vhost[:port]}) before the client, X-Forwarded-For chains (plain or quoted),
 * host names instead of addresses, extra trailing fields. Hand-written for speed (no regex).
 */
public final class CombinedLogParser {
  private CombinedLogParser() {
  }

  public static ParsedLine parse(String line) {
    int open = line.indexOf(" [");
    if (open < 0) {
      return ParsedLine.reject("not an access log line: no [timestamp]");
    }
    int close = line.indexOf(']', open + 2);
    if (close < 0) {
      return ParsedLine.reject("truncated: unterminated [timestamp]");
    }
    long ts;
    try {
      ts = parseTime(line, open + 2, close);
    } catch (IllegalArgumentException | DateTimeException e) {
      return ParsedLine.reject("bad timestamp [" + line.substring(open + 2, close) + "]");
    }
    List<String> prefix = prefixTokens(line.substring(0, open));
    if (prefix == null || prefix.size() < 3) {
      return ParsedLine.reject("bad prefix: expected client, ident and user before the timestamp");
    }
    String login = dash(prefix.get(prefix.size() - 1));
    List<String> hosts = prefix.subList(0, prefix.size() - 2);
    String vhost = null;
    if (hosts.size() >= 2 && !hosts.get(0).startsWith("\"") && !hosts.get(0).endsWith(",")
        && (!Addresses.isIp(hosts.get(0)) || Addresses.isIp(hosts.get(1)))) {
      vhost = hosts.get(0);
      hosts = hosts.subList(1, hosts.size());
    }
    String client = client(hosts);
    if (client == null) {
      return ParsedLine.reject("bad client address '" + String.join(" ", hosts) + "'");
    }

    Cursor cursor = new Cursor(line, close + 1);
    String request = cursor.quoted();
    if (request == null) {
      return ParsedLine.reject(cursor.truncated ? "truncated: unterminated request" : "no quoted request");
    }
    String status = cursor.token();
    String bytes = cursor.token();
    if (status == null || bytes == null) {
      return ParsedLine.reject("truncated: no status or size after the request");
    }
    int statusCode = parseStatus(status);
    if (statusCode < 0) {
      return ParsedLine.reject("bad status '" + status + "'");
    }
    Long size = null;
    if (!bytes.equals("-")) {
      try {
        size = Long.parseLong(bytes);
      } catch (NumberFormatException e) {
        return ParsedLine.reject("bad size '" + bytes + "'");
      }
    }
    String referrer = null;
    String agent = null;
    if (cursor.more() && cursor.atQuote()) {
      referrer = cursor.quoted();
      if (referrer == null) {
        return ParsedLine.reject(cursor.truncated ? "truncated: unterminated referrer" : "bad referrer field");
      }
      if (!cursor.more() || !cursor.atQuote()) {
        return ParsedLine.reject("truncated: referrer without user agent");
      }
      agent = cursor.quoted();
      if (agent == null) {
        return ParsedLine.reject(cursor.truncated ? "truncated: unterminated user agent" : "bad user agent field");
      }
      referrer = dash(referrer);
      agent = agent.equals("-") ? "" : agent;
    }
    String trimmed = request.trim();
    if (trimmed.isEmpty() || trimmed.equals("-")) {
      return ParsedLine.reject("no request: the server logged a connection without one (status " + statusCode + ")");
    }
    String[] parts = trimmed.split(" ");
    if (parts.length < 2 || parts.length > 3) {
      return ParsedLine.reject("malformed request line '" + abbreviate(trimmed) + "'");
    }
    return new ParsedLine(ts, client, login, parts[0], parts[1], statusCode, size, referrer, agent, vhost, null, null,
        null, null, null);
  }

  /** Whitespace tokens before the timestamp, with a quoted X-Forwarded-For chain kept as one token. */
  private static List<String> prefixTokens(String prefix) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    int n = prefix.length();
    while (i < n) {
      while (i < n && prefix.charAt(i) == ' ') {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      if (prefix.charAt(i) == '"') {
        int end = prefix.indexOf('"', i + 1);
        if (end < 0) {
          return null;
        }
        i = end + 1;
      } else {
        while (i < n && prefix.charAt(i) != ' ') {
          i++;
        }
      }
      tokens.add(prefix.substring(start, i));
    }
    return tokens;
  }

  /**
   * The visitor's address: the first public address of the chain (X-Forwarded-For hops, then the
   * connecting address), else its first address; a lone host name stands as it is.
   */
  static String client(List<String> hosts) {
    List<String> chain = new ArrayList<>();
    for (String token : hosts) {
      String value = token.startsWith("\"") ? token.substring(1, token.length() - 1) : token;
      for (String hop : value.split(",")) {
        String address = hop.trim();
        if (!address.isEmpty() && !address.equals("-")) {
          chain.add(address);
        }
      }
    }
    if (chain.isEmpty()) {
      return null;
    }
    if (chain.size() == 1) {
      String only = chain.get(0);
      return Addresses.isIp(only) || Addresses.isHostName(only) ? only : null;
    }
    for (String address : chain) {
      if (!Addresses.isIp(address)) {
        return null;
      }
    }
    for (String address : chain) {
      if (!Addresses.isPrivate(address)) {
        return address;
      }
    }
    return chain.get(0);
  }

  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

  /** {@code dd/MMM/yyyy:HH:mm:ss +hhmm}, parsed by position. */
  static long parseTime(String s, int from, int to) {
    if (to - from != 26 || s.charAt(from + 2) != '/' || s.charAt(from + 6) != '/' || s.charAt(from + 11) != ':'
        || s.charAt(from + 20) != ' ') {
      throw new IllegalArgumentException("layout");
    }
    int day = digits(s, from, 2);
    int month = MONTHS.indexOf(s.substring(from + 3, from + 6));
    if (month < 0 || month % 3 != 0) {
      throw new IllegalArgumentException("month");
    }
    int year = digits(s, from + 7, 4);
    int hour = digits(s, from + 12, 2);
    int minute = digits(s, from + 15, 2);
    int second = digits(s, from + 18, 2);
    char sign = s.charAt(from + 21);
    if (sign != '+' && sign != '-') {
      throw new IllegalArgumentException("offset");
    }
    int offsetMinutes = digits(s, from + 22, 2) * 60 + digits(s, from + 24, 2);
    ZoneOffset offset = ZoneOffset.ofTotalSeconds((sign == '-' ? -1 : 1) * offsetMinutes * 60);
    return LocalDateTime.of(year, month / 3 + 1, day, hour, minute, second).toInstant(offset).toEpochMilli();
  }

  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("digit");
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  static int parseStatus(String s) {
    if (s.length() != 3) {
      return -1;
    }
    try {
      int code = Integer.parseInt(s);
      return code >= 100 && code <= 599 ? code : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String dash(String value) {
    return value == null || value.isEmpty() || value.equals("-") ? null : value;
  }

  static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  /** Reads the space-separated, possibly quoted fields after the timestamp. */
  private static final class Cursor {
    private final String line;
    private int at;
    boolean truncated;

    Cursor(String line, int at) {
      this.line = line;
      this.at = at;
    }

    private void skipSpaces() {
      while (at < line.length() && line.charAt(at) == ' ') {
        at++;
      }
    }

    boolean more() {
      skipSpaces();
      return at < line.length();
    }

    /** Whether the next field is quoted (unquoted fields after the size, e.g. %D, are ignored). */
    boolean atQuote() {
      skipSpaces();
      return at < line.length() && line.charAt(at) == '"';
    }

    /** A {@code "..."} field: Apache's \" and \\ unescaped, other backslash escapes kept as written. */
    String quoted() {
      skipSpaces();
      if (at >= line.length() || line.charAt(at) != '"') {
        truncated = at >= line.length();
        return null;
      }
      StringBuilder value = new StringBuilder();
      for (int i = at + 1; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
          value.append(line.charAt(i + 1));
          i++;
        } else if (c == '"') {
          at = i + 1;
          return value.toString();
        } else {
          value.append(c);
        }
      }
      truncated = true;
      return null;
    }

    String token() {
      skipSpaces();
      if (at >= line.length()) {
        return null;
      }
      int end = line.indexOf(' ', at);
      String token = end < 0 ? line.substring(at) : line.substring(at, end);
      at = end < 0 ? line.length() : end;
      return token;
    }
  }
}
