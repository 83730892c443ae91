package io.trailcast.ingest.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * AWS load balancer access logs: Application Load Balancer ({@code type time elb client:port
 * target:port ... elb_status_code target_status_code received_bytes sent_bytes "request"
 * "user_agent" ...}) and the classic Elastic Load Balancer (the same without the leading type and
 * with the target called backend). Space-separated, quoted where a field may hold spaces, times
 * in ISO 8601 UTC, the request line with an absolute URL. Fields added by later versions of the
 * format come after the ones read here and are ignored, as AWS asks of readers.
 */
public final class LoadBalancerLogParser {
  /** Where each field sits in one kind of load balancer's line. */
  private record Layout(String name, int fields, int time, int client, int status, int sentBytes, int request,
      int userAgent, int requestCreated) {
  }

  /**
   * ALB's {@code time} is when the response was sent (for websockets, when the connection closed);
   * its {@code request_creation_time} (field 22, since 2018) is when the request came, the event's time.
   */
  private static final Layout ALB = new Layout("ALB", 14, 1, 3, 8, 11, 12, 13, 21);
  private static final Layout ELB = new Layout("classic ELB", 13, 0, 2, 7, 10, 11, 12, -1);
  private static final Pattern ALB_LINE = Pattern.compile("^(?:http|https|h2|grpcs|ws|wss) \\d{4}-\\d\\d-\\d\\dT.*");
  private static final Pattern ELB_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+ \\S+ \\S+:\\d+ .*");

  private final Layout layout;

  private LoadBalancerLogParser(Layout layout) {
    this.layout = layout;
  }

  public static LoadBalancerLogParser alb() {
    return new LoadBalancerLogParser(ALB);
  }

  public static LoadBalancerLogParser elb() {
    return new LoadBalancerLogParser(ELB);
  }

  /** Whether a line looks like an ALB line (its type, then an ISO time). */
  public static boolean looksLikeAlb(String line) {
    return ALB_LINE.matcher(line).matches();
  }

  /** Whether a line looks like a classic ELB line (an ISO time, the balancer's name, client:port). */
  public static boolean looksLikeElb(String line) {
    return ELB_LINE.matcher(line).matches();
  }

  public ParsedLine parse(String line) {
    List<String> fields = fields(line);
    if (fields == null) {
      return ParsedLine.reject("truncated: unterminated quoted field in an " + layout.name + " line");
    }
    if (fields.size() < layout.fields) {
      return ParsedLine.reject(layout.name + " line has " + fields.size() + " fields, the format has at least "
          + layout.fields);
    }
    int timeField = layout.requestCreated >= 0 && fields.size() > layout.requestCreated
        && !fields.get(layout.requestCreated).equals("-") ? layout.requestCreated : layout.time;
    long ts;
    try {
      ts = Instant.parse(fields.get(timeField)).toEpochMilli();
    } catch (DateTimeException e) {
      return ParsedLine.reject("bad timestamp '" + CombinedLogParser.abbreviate(fields.get(timeField)) + "'");
    }
    String client = withoutPort(fields.get(layout.client));
    if (client == null || !Addresses.isIp(client)) {
      return ParsedLine.reject("bad client address '" + fields.get(layout.client) + "'");
    }
    String statusText = fields.get(layout.status);
    String request = fields.get(layout.request).trim();
    if (request.isEmpty() || request.startsWith("- ")) {
      // A TCP listener's connection, or one closed before a request came.
      return ParsedLine.reject("no request: the load balancer logged a connection without one (status "
          + statusText + ")");
    }
    if (statusText.equals("-")) {
      return ParsedLine.reject("no status: the load balancer sent no response");
    }
    int status = CombinedLogParser.parseStatus(statusText);
    if (status < 0) {
      return ParsedLine.reject("bad status '" + statusText + "'");
    }
    Long bytes;
    try {
      bytes = fields.get(layout.sentBytes).equals("-") ? null : Long.valueOf(fields.get(layout.sentBytes));
    } catch (NumberFormatException e) {
      return ParsedLine.reject("bad size '" + fields.get(layout.sentBytes) + "'");
    }
    String[] parts = request.split(" ");
    if (parts.length != 3) {
      return ParsedLine.reject("malformed request line '" + CombinedLogParser.abbreviate(request) + "'");
    }
    String agent = fields.get(layout.userAgent);
    return new ParsedLine(ts, client, null, parts[0], parts[1], status, bytes, null,
        agent.equals("-") ? "" : agent, null, null, null, null, null, null);
  }

  /** {@code 10.0.0.1:2817} → {@code 10.0.0.1}; {@code [2001:db8::1]:2817} and {@code 2001:db8::1:2817} alike. */
  static String withoutPort(String endpoint) {
    if (endpoint.startsWith("[")) {
      int close = endpoint.indexOf(']');
      return close < 0 ? null : endpoint.substring(1, close);
    }
    int colon = endpoint.lastIndexOf(':');
    return colon <= 0 ? null : endpoint.substring(0, colon);
  }

  /** Space-separated fields, a quoted one (with {@code \"} inside) as one field without its quotes. */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>(32);
    int i = 0;
    int n = line.length();
    while (i < n) {
      if (line.charAt(i) == ' ') {
        i++;
        continue;
      }
      if (line.charAt(i) == '"') {
        StringBuilder value = new StringBuilder();
        int j = i + 1;
        while (j < n && line.charAt(j) != '"') {
          if (line.charAt(j) == '\\' && j + 1 < n) {
            j++;
          }
          value.append(line.charAt(j));
          j++;
        }
        if (j >= n) {
          return null;
        }
        fields.add(value.toString());
        i = j + 1;
      } else {
        int j = line.indexOf(' ', i);
        j = j < 0 ? n : j;
        fields.add(line.substring(i, j));
        i = j;
      }
    }
    return fields;
  }
}
