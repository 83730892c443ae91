package io.trailcast.ingest.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.Set;

/** trailcast's JSON lines events (docs/formats.md). */
public final class JsonEventParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> ACTIONS = Set.of("pageview", "search", "click", "conversion", "logout", "other");

  private JsonEventParser() {
  }

  public static ParsedLine parse(String line) {
    JsonNode event;
    try {
      event = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return ParsedLine.reject("not valid JSON: " + e.getOriginalMessage());
    }
    if (event == null || !event.isObject()) {
      return ParsedLine.reject("not a JSON object");
    }
    JsonNode tsNode = event.get("ts");
    if (tsNode == null || tsNode.isNull()) {
      return ParsedLine.reject("missing required field ts");
    }
    long ts;
    if (tsNode.isIntegralNumber()) {
      if (!tsNode.canConvertToLong()) {
        return ParsedLine.reject("ts out of range: " + CombinedLogParser.abbreviate(tsNode.asText()));
      }
      ts = tsNode.asLong();
    } else {
      try {
        ts = OffsetDateTime.parse(tsNode.asText()).toInstant().toEpochMilli();
      } catch (DateTimeException e) {
        return ParsedLine.reject("bad ts '" + CombinedLogParser.abbreviate(tsNode.asText())
            + "': use ISO-8601 with an offset or epoch milliseconds");
      }
    }
    String user = text(event, "user");
    if (user == null) {
      return ParsedLine.reject("missing required field user");
    }
    String url = text(event, "url");
    if (url == null) {
      return ParsedLine.reject("missing required field url");
    }
    String action = text(event, "action");
    if (action != null && !ACTIONS.contains(action)) {
      return ParsedLine.reject("unknown action '" + CombinedLogParser.abbreviate(action) + "'");
    }
    JsonNode statusNode = event.get("status");
    int status = statusNode == null || statusNode.isNull() ? 200 : statusNode.asInt(-1);
    if (status < 100 || status > 599) {
      return ParsedLine.reject("bad status " + statusNode);
    }
    String agent = text(event, "user_agent");
    return new ParsedLine(ts, text(event, "ip"), text(event, "email"), "GET", url, status, null,
        text(event, "referrer"), agent, null, user, action, text(event, "query"), text(event, "site"), null);
  }

  private static String text(JsonNode event, String field) {
    JsonNode node = event.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    String value = node.asText();
    return value.isEmpty() ? null : value;
  }
}
