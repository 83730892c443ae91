package io.trailcast.ingest.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.OffsetDateTime;

/**
 * Caddy's JSON access log ({@code "logger":"http.log.access..."}, one JSON object a line):
 * {@code ts} in seconds (Caddy's default) or as an ISO-8601 string, {@code request.client_ip}
 * (the client after Caddy's trusted proxies) or {@code request.remote_ip}, the method, host and
 * URI of the request, its {@code User-Agent} and {@code Referer} headers (lists, as Caddy logs
 * them), {@code status}, {@code size} and {@code user_id}. Other loggers' lines are not requests.
 */
public final class CaddyLogParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCESS_LOGGER = "http.log.access";
  /** ISO 8601 as Caddy's logger writes it: the offset as Z, +01:00 or +0100 (zap's encoder has no colon). */
  private static final java.time.format.DateTimeFormatter ISO_TIME = new java.time.format.DateTimeFormatterBuilder()
      .append(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME).optionalStart().appendOffset("+HH:MM", "Z")
      .optionalEnd().optionalStart().appendOffset("+HHMM", "Z").optionalEnd().toFormatter();

  private CaddyLogParser() {
  }

  /** Whether a line is an entry of Caddy's access logger (for {@code --format auto}). */
  public static boolean looksLikeCaddy(String line) {
    return line.startsWith("{") && line.contains("\"logger\":\"" + ACCESS_LOGGER);
  }

  public static ParsedLine parse(String line) {
    JsonNode entry;
    try {
      entry = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return ParsedLine.reject("not valid JSON: " + e.getOriginalMessage());
    }
    if (entry == null || !entry.isObject()) {
      return ParsedLine.reject("not a JSON object");
    }
    String logger = entry.path("logger").asText("");
    if (!logger.startsWith(ACCESS_LOGGER)) {
      return ParsedLine.reject("not a Caddy access log entry (logger '" + CombinedLogParser.abbreviate(logger)
          + "')");
    }
    JsonNode request = entry.get("request");
    if (request == null || !request.isObject()) {
      return ParsedLine.reject("Caddy entry without request");
    }
    JsonNode tsNode = entry.get("ts");
    long ts;
    if (tsNode == null || tsNode.isNull()) {
      return ParsedLine.reject("Caddy entry without ts");
    } else if (tsNode.isNumber()) {
      // Seconds with a fraction; as a decimal, so that no millisecond is lost to a double's rounding.
      try {
        ts = new BigDecimal(tsNode.asText()).movePointRight(3).setScale(0, java.math.RoundingMode.DOWN)
            .longValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        return ParsedLine.reject("bad ts '" + CombinedLogParser.abbreviate(tsNode.asText()) + "'");
      }
    } else {
      try {
        ts = OffsetDateTime.parse(tsNode.asText(), ISO_TIME).toInstant().toEpochMilli();
      } catch (DateTimeException e) {
        return ParsedLine.reject("bad ts '" + CombinedLogParser.abbreviate(tsNode.asText()) + "'");
      }
    }
    String client = text(request, "client_ip");
    client = client == null ? text(request, "remote_ip") : client;
    if (client == null || !Addresses.isIp(client)) {
      return ParsedLine.reject("bad client address '" + (client == null ? "-" : client) + "'");
    }
    String method = text(request, "method");
    String uri = text(request, "uri");
    if (method == null || uri == null) {
      return ParsedLine.reject("Caddy entry without request method or uri");
    }
    JsonNode statusNode = entry.get("status");
    int status = statusNode == null || !statusNode.canConvertToInt() ? -1 : statusNode.asInt();
    if (status < 100 || status > 599) {
      return ParsedLine.reject("bad status " + statusNode);
    }
    JsonNode size = entry.get("size");
    Long bytes = size == null || !size.canConvertToLong() ? null : size.asLong();
    JsonNode headers = request.path("headers");
    String agent = header(headers, "User-Agent");
    return new ParsedLine(ts, client, text(entry, "user_id"), method, uri, status, bytes,
        header(headers, "Referer"), agent == null ? "" : agent, text(request, "host"), null, null, null, null, null);
  }

  /** The first value of a header as Caddy logs them ({@code "Name": ["value", ...]}), or null. */
  private static String header(JsonNode headers, String name) {
    JsonNode values = headers.get(name);
    if (values == null || !values.isArray() || values.isEmpty()) {
      return null;
    }
    String value = values.get(0).asText();
    return value.isEmpty() ? null : value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    String text = value.asText();
    return text.isEmpty() ? null : text;
  }
}
