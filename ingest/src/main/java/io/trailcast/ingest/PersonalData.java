package io.trailcast.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must never reach a table: credentials and personal data in what a log line carries
 * (docs/definitions.md "Personal data"). Session ids, cookies, addresses and logins become salted
 * hashes in {@link EventBuilder}; this class scrubs the free text around them. Pure, one instance
 * per site config.
 * <ul>
 *   <li>URLs and referrers: session id and sensitive parameters (the site's
 *       {@code session_id_parameters} and {@code sensitive_parameters}) are taken out, as query
 *       parameters and as path parameters ({@code ;jsessionid=...}); an email anywhere else (a
 *       parameter's value, a path segment) becomes {@code [email]}.
 *   <li>Search queries: an email becomes {@code [email]}.
 *   <li>Quarantined lines (kept for a person to read why they failed): IPv4 and IPv6 addresses become
 *       {@code [ip]}, emails {@code [email]}, the values of those parameters {@code [redacted]}, the
 *       login field of a combined log line {@code [login]}, and a JSON event's identifying fields
 *       {@code [masked]}.
 * </ul>
 */
public final class PersonalData implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String EMAIL_MASK = "[email]";
  static final Pattern EMAIL = Pattern.compile(
      "[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final Pattern IPV4 = Pattern.compile("(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\w])");
  // Eight groups, or a compressed form with "::"; times such as 10:00:01 have neither.
  private static final Pattern IPV6 = Pattern.compile("(?<![\\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
      + "|(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?)(?![\\w:])");
  /** The field before a combined log's {@code [date:}: the authenticated user (vhost formats too). */
  private static final Pattern COMBINED_LOGIN = Pattern.compile(
      "^((?:\\S+ ){2,3})([^\\s\\[]+)( \\[\\d{1,2}/\\w{3}/\\d{4}:)");
  private static final Pattern JSON_IDS = Pattern.compile(
      "(\"(?:user|login|email|ip|client|cookie|session_id)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

  private final List<String> removed;
  private transient Pattern parameterValues;

  public PersonalData(SiteConfig site) {
    List<String> names = new ArrayList<>(site.sessionIdParameters());
    names.addAll(site.sensitiveParameters());
    this.removed = List.copyOf(names);
  }

  /** Whether a URL parameter of this name is never stored. */
  public boolean isRemoved(String name) {
    return removed.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * A parameter's raw value (percent escapes or not) with any email in it as {@code [email]}
   * (escaped): a search for an address stays a search, without the address.
   */
  public static String withoutEmailsInValue(String value) {
    if (value.indexOf('@') < 0 && !value.contains("%40")) {
      return value;
    }
    String decoded = NormalizedUrl.decode(value);
    String masked = withoutEmails(decoded);
    return masked.equals(decoded) ? value : java.net.URLEncoder.encode(masked, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Emails in free text as {@code [email]}; null stays null. */
  public static String withoutEmails(String text) {
    return text == null || text.indexOf('@') < 0 && !text.contains("%40") ? text
        : EMAIL.matcher(text).replaceAll(Matcher.quoteReplacement(EMAIL_MASK));
  }

  /**
   * A URL as written in a log (a referrer: scheme, host, path, query, fragment) without what must not
   * be kept; everything else as it was. Null stays null.
   */
  public String scrubUrl(String url) {
    if (url == null) {
      return null;
    }
    int hash = url.indexOf('#');
    String fragment = hash < 0 ? "" : url.substring(hash);
    String rest = hash < 0 ? url : url.substring(0, hash);
    int q = rest.indexOf('?');
    String path = withoutPathParameters(q < 0 ? rest : rest.substring(0, q));
    StringBuilder out = new StringBuilder(withoutEmails(path));
    if (q >= 0) {
      List<String> kept = new ArrayList<>();
      for (String param : rest.substring(q + 1).split("&")) {
        int eq = param.indexOf('=');
        String name = eq < 0 ? param : param.substring(0, eq);
        if (!param.isEmpty() && !isRemoved(name)) {
          kept.add(eq < 0 ? param : name + "=" + withoutEmailsInValue(param.substring(eq + 1)));
        }
      }
      if (!kept.isEmpty()) {
        out.append('?').append(String.join("&", kept));
      }
    }
    // A fragment can carry tokens too (OAuth implicit flows): only a plain anchor is kept.
    if (fragment.length() > 1 && fragment.indexOf('=') < 0) {
      out.append(withoutEmails(fragment));
    }
    return out.toString();
  }

  /** A path without {@code ;name=value} parameters of removed names. */
  String withoutPathParameters(String path) {
    int semicolon = path.indexOf(';');
    if (semicolon < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.substring(0, semicolon));
    for (String part : path.substring(semicolon + 1).split(";")) {
      int eq = part.indexOf('=');
      if (part.isEmpty() || (eq > 0 && isRemoved(part.substring(0, eq)))) {
        continue;
      }
      out.append(';').append(part);
    }
    return out.toString();
  }

  /** A rejected line as quarantine keeps it: readable, without addresses, emails, logins or secrets. */
  public String maskLine(String raw) {
    if (raw == null || raw.isEmpty()) {
      return raw;
    }
    String masked = parameterValues().matcher(raw).replaceAll("$1$2=[redacted]");
    masked = JSON_IDS.matcher(masked).replaceAll("$1\"[masked]\"");
    Matcher login = COMBINED_LOGIN.matcher(masked);
    if (login.find() && !login.group(2).equals("-")) {
      masked = login.replaceFirst("$1[login]$3");
    }
    masked = EMAIL.matcher(masked).replaceAll(Matcher.quoteReplacement(EMAIL_MASK));
    masked = IPV6.matcher(masked).replaceAll("[ip]");
    return IPV4.matcher(masked).replaceAll("[ip]");
  }

  private Pattern parameterValues() {
    if (parameterValues == null) {
      List<String> quoted = removed.stream().map(Pattern::quote).toList();
      parameterValues = Pattern.compile("(?i)([?&;])(" + String.join("|", quoted) + ")=[^&;?\\s\"#]*");
    }
    return parameterValues;
  }
}
