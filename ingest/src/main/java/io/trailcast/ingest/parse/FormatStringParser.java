package io.trailcast.ingest.parse;

import io.trailcast.core.UserException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nl.basjes.parse.core.exceptions.DissectionFailure;
import nl.basjes.parse.core.exceptions.InvalidDissectorException;
import nl.basjes.parse.core.exceptions.MissingDissectorsException;
import nl.basjes.parse.httpdlog.HttpdLoglineParser;

/**
 * Lines written by the server's own format string: Apache {@code LogFormat} syntax
 * ({@code %h %l %u %t "%r" %>s %b ... %D}) or nginx {@code log_format} syntax
 * ({@code $remote_addr - $remote_user [$time_local] "$request" ... $request_time}), read by the
 * httpdlog parser (nl.basjes.parse), which compiles either syntax. The fields trailcast uses are
 * mapped; every other directive must still match its text and is then ignored. A format string
 * that spells the textbook combined or common format is read by {@link CombinedLogParser}, the
 * hand-written fast path (docs/BENCHMARKS.md compares both on the same lines).
 *
 * <p>Not thread-safe (the library fills one record at a time): one instance per reading thread.
 */
public final class FormatStringParser {
  /** What the library fills in for one line; public with setters because it sets them by name. */
  public static final class Fields {
    private String client;
    private String forwardedFor;
    private String login;
    private String time;
    private String method;
    private String uri;
    private String status;
    private String bytes;
    private String referrer;
    private String userAgent;
    private String vhost;
    private boolean sawUserAgent;

    public void setClient(String value) {
      client = value;
    }

    public void setForwardedFor(String value) {
      forwardedFor = value;
    }

    public void setLogin(String value) {
      login = value;
    }

    public void setTime(String value) {
      time = value;
    }

    public void setMethod(String value) {
      method = value;
    }

    public void setUri(String value) {
      uri = value;
    }

    public void setStatus(String value) {
      status = value;
    }

    public void setBytes(String value) {
      bytes = value;
    }

    public void setReferrer(String value) {
      referrer = value;
    }

    public void setUserAgent(String value) {
      userAgent = value;
      sawUserAgent = true;
    }

    public void setVhost(String value) {
      vhost = value;
    }
  }

  /** Setter of {@link Fields} → the library's paths that feed it (the first one the format yields wins). */
  private static final Map<String, List<String>> TARGETS = Map.ofEntries(
      Map.entry("setClient", List.of("IP:connection.client.host", "IP:connection.client.ip")),
      Map.entry("setForwardedFor", List.of("HTTP.HEADER:request.header.x-forwarded-for",
          "HTTP.HEADER:request.header.x_forwarded_for")),
      Map.entry("setLogin", List.of("STRING:connection.client.user")),
      Map.entry("setTime", List.of("TIME.EPOCH:request.receive.time.epoch")),
      Map.entry("setMethod", List.of("HTTP.METHOD:request.firstline.method")),
      Map.entry("setUri", List.of("HTTP.URI:request.firstline.uri")),
      Map.entry("setStatus", List.of("STRING:request.status.last", "STRING:request.status.original",
          "STRING:request.status")),
      Map.entry("setBytes", List.of("BYTESCLF:response.body.bytes", "BYTES:response.body.bytes",
          "BYTES:response.bytes")),
      Map.entry("setReferrer", List.of("HTTP.URI:request.referer")),
      Map.entry("setUserAgent", List.of("HTTP.USERAGENT:request.user-agent")),
      Map.entry("setVhost", List.of("STRING:connection.server.name.canonical", "STRING:connection.server.name")));

  /**
   * Apache's directives (mod_log_config), with their optional status condition ({@code %!200,304{...}i}),
   * {@code <} / {@code >} and {@code {...}}.
   */
  private static final Pattern APACHE_DIRECTIVE = Pattern.compile(
      "%!?(?:[0-9]{3}(?:,[0-9]{3})*)?[<>]?(?:\\{[^}]*\\})?(\\^t[io]|[a-zA-Z%])");
  private static final String APACHE_LETTERS = "aAbBCDefhHiIklLmnoOpPqrRsStTuUvVX%";

  /** The textbook formats, which the hand-written parser reads (Apache's and nginx's spelling). */
  public static final String COMBINED = "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"";
  public static final String COMMON = "%h %l %u %t \"%r\" %>s %b";
  public static final String NGINX_COMBINED = "$remote_addr - $remote_user [$time_local] \"$request\" $status "
      + "$body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

  /** How java.time's message about a time it could not read starts (the library passes it on). */
  private static final String TIME_TEXT = "Text '";

  private final HttpdLoglineParser<Fields> parser;
  private final boolean fastPath;
  private final boolean fastPathCommon;

  private FormatStringParser(String format, boolean allowFastPath) {
    String spelled = normalized(format);
    this.fastPath = allowFastPath && (spelled.equals(normalized(COMBINED)) || spelled.equals("combined")
        || spelled.equals(normalized(COMMON)) || spelled.equals("common")
        || spelled.equals(normalized(NGINX_COMBINED)));
    this.fastPathCommon = fastPath && (spelled.equals(normalized(COMMON)) || spelled.equals("common"));
    this.parser = fastPath ? null : compile(format);
  }

  /**
   * A parser for {@code format}; a format with a directive the library does not know, or without
   * the fields every event needs (client, time, request, status), fails with one line naming it.
   */
  public static FormatStringParser of(String format) {
    if (format == null || format.isBlank()) {
      throw new UserException("the log format is empty");
    }
    return new FormatStringParser(format.strip(), true);
  }

  /**
   * The library's reading of {@code format} even where the hand-written parser would serve: for
   * the benchmark and for the test that both read real lines alike.
   */
  public static FormatStringParser withoutFastPath(String format) {
    return new FormatStringParser(format.strip(), false);
  }

  /** Whether the format is the textbook combined or common one, read by the hand-written parser. */
  public boolean fastPath() {
    return fastPath;
  }

  public ParsedLine parse(String line) {
    if (fastPath) {
      ParsedLine parsed = CombinedLogParser.parse(line);
      // The common format has no user agent: one the line still carries is beyond the format.
      return fastPathCommon && !parsed.isRejected() && parsed.userAgent() != null
          ? ParsedLine.reject("does not match the log format: text after the size") : parsed;
    }
    Fields fields;
    try {
      fields = parser.parse(new Fields(), line);
    } catch (DissectionFailure e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.startsWith("The input line does not match")) {
        // The library's message repeats the whole line (addresses, logins): the reason stays generic.
        return ParsedLine.reject("does not match the log format");
      }
      // A field the format names that does not parse: java.time's words for a time such as a 32nd of January.
      int quote = message.indexOf('\'', TIME_TEXT.length());
      if (message.startsWith(TIME_TEXT) && quote > 0 && message.contains("could not be parsed")) {
        return ParsedLine.reject("bad timestamp '" + message.substring(TIME_TEXT.length(), quote) + "'");
      }
      return ParsedLine.reject("bad field: " + CombinedLogParser.abbreviate(message.lines().findFirst().orElse("")));
    } catch (InvalidDissectorException | MissingDissectorsException | RuntimeException e) {
      // The format compiled, so this is the library failing on one line: the line is quarantined, the run goes on.
      return ParsedLine.reject("the log format parser failed on this line (" + e.getClass().getSimpleName() + ")");
    }
    return toParsedLine(fields);
  }

  private static ParsedLine toParsedLine(Fields f) {
    if (f.time == null) {
      return ParsedLine.reject("does not match the log format: no time");
    }
    long ts;
    try {
      ts = Long.parseLong(f.time);
    } catch (NumberFormatException e) {
      return ParsedLine.reject("bad timestamp '" + f.time + "'");
    }
    List<String> hosts = new ArrayList<>();
    if (dash(f.forwardedFor) != null) {
      hosts.add(f.forwardedFor);
    }
    if (dash(f.client) != null) {
      hosts.add(f.client);
    }
    String client = CombinedLogParser.client(hosts);
    if (client == null) {
      return ParsedLine.reject("bad client address '" + (f.client == null ? "-" : f.client) + "'");
    }
    if (f.status == null || f.status.equals("-")) {
      return ParsedLine.reject("no status");
    }
    int status = CombinedLogParser.parseStatus(f.status);
    if (status < 0) {
      return ParsedLine.reject("bad status '" + f.status + "'");
    }
    if (f.method == null || f.uri == null) {
      return ParsedLine.reject("no request: the server logged a connection without one (status " + status + ")");
    }
    Long size = null;
    if (dash(f.bytes) != null) {
      try {
        size = Long.parseLong(f.bytes);
      } catch (NumberFormatException e) {
        return ParsedLine.reject("bad size '" + f.bytes + "'");
      }
    }
    String agent = f.sawUserAgent ? (dash(f.userAgent) == null ? "" : f.userAgent) : null;
    return new ParsedLine(ts, client, dash(f.login), f.method, f.uri, status, size, dash(f.referrer), agent,
        dash(f.vhost), null, null, null, null, null);
  }

  private static HttpdLoglineParser<Fields> compile(String format) {
    checkDirectives(format);
    HttpdLoglineParser<Fields> parser = new HttpdLoglineParser<>(Fields.class, format);
    List<String> possible = parser.getPossiblePaths();
    for (String path : possible) {
      if (path.startsWith("UNKNOWN_NGINX_VARIABLE:")) {
        throw new UserException("unknown variable $" + path.substring(path.lastIndexOf('.') + 1)
            + " in the log format '" + format + "' (nginx log_format variables: $remote_addr $remote_user "
            + "$time_local $request $status $body_bytes_sent $http_NAME $request_time ...)");
      }
    }
    java.util.Set<String> mapped = new java.util.HashSet<>();
    for (Map.Entry<String, List<String>> target : TARGETS.entrySet()) {
      for (String path : target.getValue()) {
        if (possible.contains(path)) {
          try {
            parser.addParseTarget(target.getKey(), path);
          } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
          }
          mapped.add(target.getKey());
          break;
        }
      }
    }
    for (Map.Entry<String, String> needed : NEEDED.entrySet()) {
      if (!mapped.contains(needed.getKey())) {
        throw new UserException("the log format '" + format + "' has no " + needed.getValue()
            + ": every event needs the client, the time, the request line and the status");
      }
    }
    return parser;
  }

  /** Setter → what a format must name for it, in the order a message lists them. */
  private static final Map<String, String> NEEDED = new java.util.LinkedHashMap<>(Map.of(
      "setClient", "client address (%h, %a, $remote_addr)",
      "setTime", "time (%t, $time_local, $time_iso8601, $msec)",
      "setUri", "request line (%r, $request)",
      "setStatus", "status (%>s, $status)"));

  /**
   * Fails with one line naming an Apache directive mod_log_config does not have: the library reads
   * an unknown letter as literal text, so a typo would quarantine every line instead of saying what
   * is wrong. (Unknown nginx variables the library itself reports; see {@link #compile}.)
   */
  static void checkDirectives(String format) {
    Matcher apache = APACHE_DIRECTIVE.matcher(format);
    int apacheCount = 0;
    while (apache.find()) {
      apacheCount++;
      String letter = apache.group(1);
      if (!letter.startsWith("^") && APACHE_LETTERS.indexOf(letter.charAt(0)) < 0) {
        throw new UserException("unknown directive " + apache.group() + " in the log format '" + format
            + "' (Apache LogFormat directives: %h %l %u %t %r %>s %b %{Header}i %D %T %v ...)");
      }
    }
    int stray = format.replaceAll(APACHE_DIRECTIVE.pattern(), "").indexOf('%');
    if (stray >= 0 && apacheCount > 0) {
      throw new UserException("unknown directive at '" + format.replaceAll(APACHE_DIRECTIVE.pattern(), "")
          .substring(stray) + "' in the log format '" + format + "'");
    }
  }

  /** The format with runs of whitespace as one space, to recognise the textbook formats however spaced. */
  private static String normalized(String format) {
    return format.strip().replaceAll("\\s+", " ").replace("%{User-agent}i", "%{User-Agent}i")
        .replace("%{referer}i", "%{Referer}i");
  }

  private static String dash(String value) {
    return value == null || value.isEmpty() || value.equals("-") ? null : value;
  }

  /** One parser per format string and thread: the library compiles a format once and fills one record at a time. */
  private static final ThreadLocal<Map<String, FormatStringParser>> CACHE = ThreadLocal.withInitial(HashMap::new);

  public static FormatStringParser cached(String format) {
    return CACHE.get().computeIfAbsent(format, FormatStringParser::of);
  }

  /** Fails with one line, prefixed with where the format came from, if {@code format} cannot read a line. */
  public static void checkFormat(String format, String origin) {
    try {
      cached(format);
    } catch (UserException e) {
      throw new UserException(origin + ": " + e.getMessage(), e);
    }
  }
}
