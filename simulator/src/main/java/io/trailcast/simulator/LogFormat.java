package io.trailcast.simulator;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** How simulated requests are written: as a web server or a tracker would log them. */
public enum LogFormat {
  /** Apache/nginx combined: {@code ip - user [time] "request" status bytes "referrer" "agent"}. */
  COMBINED("log"),
  /** W3C extended (IIS), driven by its {@code #Fields:} header; times in UTC. */
  W3C("log"),
  /** trailcast's JSON lines event format (docs/formats.md). */
  JSONL("jsonl");

  static final List<String> W3C_FIELDS = List.of("date", "time", "s-ip", "cs-method", "cs-uri-stem",
      "cs-uri-query", "s-port", "cs-username", "c-ip", "cs(User-Agent)", "cs(Referer)", "sc-status", "sc-bytes");
  /** The order IIS writes after a restart with other logging options: the same fields, reordered. */
  static final List<String> W3C_FIELDS_REORDERED = List.of("date", "time", "c-ip", "cs-username", "cs-method",
      "cs-uri-stem", "cs-uri-query", "sc-status", "sc-bytes", "cs(Referer)", "cs(User-Agent)", "s-ip", "s-port");

  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final DateTimeFormatter W3C_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter W3C_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private final String extension;

  LogFormat(String extension) {
    this.extension = extension;
  }

  public String extension() {
    return extension;
  }

  /** The header lines a new file starts with (W3C only). */
  List<String> header(String day, List<String> fields) {
    if (this != W3C) {
      return List.of();
    }
    return List.of("#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
        "#Date: " + day + " 00:00:00", "#Fields: " + String.join(" ", fields));
  }

  String line(SimEvent event, ZoneId zone, List<String> w3cFields) {
    return switch (this) {
      case COMBINED -> combined(event, zone);
      case W3C -> w3c(event, w3cFields);
      case JSONL -> json(event, zone);
    };
  }

  private static String combined(SimEvent e, ZoneId zone) {
    return e.device().ip() + " - " + (e.login() == null ? "-" : e.login()) + " ["
        + CLF_TIME.format(Instant.ofEpochMilli(e.ts()).atZone(zone)) + "] \"" + e.method() + " " + e.path()
        + " HTTP/1.1\" " + e.status() + " " + e.bytes() + " \"" + (e.referrer() == null ? "-" : e.referrer())
        + "\" \"" + e.device().userAgent() + "\"";
  }

  private static String w3c(SimEvent e, List<String> fields) {
    StringBuilder line = new StringBuilder();
    Instant ts = Instant.ofEpochMilli(e.ts());
    int q = e.path().indexOf('?');
    for (String field : fields) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(switch (field) {
        case "date" -> W3C_DATE.format(ts);
        case "time" -> W3C_TIME.format(ts);
        case "s-ip" -> "10.0.0.5";
        case "cs-method" -> e.method();
        case "cs-uri-stem" -> q < 0 ? e.path() : e.path().substring(0, q);
        case "cs-uri-query" -> q < 0 ? "-" : e.path().substring(q + 1);
        case "s-port" -> "443";
        case "cs-username" -> e.login() == null ? "-" : e.login();
        case "c-ip" -> e.device().ip();
        case "cs(User-Agent)" -> e.device().userAgent().replace(' ', '+');
        case "cs(Referer)" -> e.referrer() == null ? "-" : e.referrer();
        case "sc-status" -> Integer.toString(e.status());
        case "sc-bytes" -> Integer.toString(e.bytes());
        default -> "-";
      });
    }
    return line.toString();
  }

  private static String json(SimEvent e, ZoneId zone) {
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "ts", ISO.format(Instant.ofEpochMilli(e.ts()).atZone(zone).toOffsetDateTime()));
    field(json, "site", "trailmag");
    field(json, "user", e.device().cookie());
    field(json, "url", "https://" + e.url());
    if (e.referrer() != null) {
      field(json, "referrer", e.referrer());
    }
    field(json, "ip", e.device().ip());
    field(json, "user_agent", e.device().userAgent());
    if (e.login() != null) {
      field(json, "email", e.login());
    }
    json.append("\"status\":").append(e.status()).append('}');
    return json.toString();
  }

  private static void field(StringBuilder json, String name, String value) {
    json.append('"').append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append("\",");
  }
}
