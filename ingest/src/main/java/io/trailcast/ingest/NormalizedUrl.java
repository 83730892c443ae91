package io.trailcast.ingest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A URL as trailcast stores it (docs/definitions.md): {@code host/path?query}, host lower-case,
 * no scheme, fragment or default port, percent escapes in upper case, tracking parameters
 * (utm_*, gclid, fbclid) taken out into {@link #tracking()}, session id parameters taken out into
 * {@link #sessionId()} (a session id in the URL would split every page per visitor).
 */
public record NormalizedUrl(String url, String host, String path, String query, Map<String, String> tracking,
    String sessionId) {

  /** Normalises a request target without session id parameters. */
  public static NormalizedUrl of(String target, String defaultHost) {
    return of(target, defaultHost, List.of());
  }

  /**
   * Normalises a request target: an absolute URL ({@code https://host/...}) or a path, whose host
   * is then {@code defaultHost}. Query parameters named in {@code sessionParameters} (lower case),
   * and path parameters such as {@code ;jsessionid=...}, are removed; the first value found is
   * the {@link #sessionId()}.
   */
  public static NormalizedUrl of(String target, String defaultHost, List<String> sessionParameters) {
    return of(target, defaultHost, sessionParameters, null);
  }

  /**
   * As {@link #of(String, String, List)}, and without the personal data {@code personal} names
   * (null: none): sensitive parameters are dropped, as query and as path parameters; an email in
   * the path or in a parameter's value becomes {@code [email]}.
   */
  public static NormalizedUrl of(String target, String defaultHost, List<String> sessionParameters,
      PersonalData personal) {
    String rest = target;
    String host = defaultHost;
    int scheme = rest.indexOf("://");
    if (scheme > 0 && scheme < 10 && rest.substring(0, scheme).chars().allMatch(Character::isLetter)) {
      String afterScheme = rest.substring(scheme + 3);
      int slash = indexOfAny(afterScheme, "/?#");
      host = slash < 0 ? afterScheme : afterScheme.substring(0, slash);
      rest = slash < 0 ? "/" : afterScheme.substring(slash);
      int at = host.lastIndexOf('@');
      if (at >= 0) {
        host = host.substring(at + 1);
      }
    }
    host = host(host);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      rest = rest.substring(0, hash);
    }
    int q = rest.indexOf('?');
    String path = upperEscapes(q < 0 ? rest : rest.substring(0, q));
    String sessionId = null;
    int semicolon = path.indexOf(';');
    if (semicolon >= 0) {
      String matrix = path.substring(semicolon + 1);
      int eq = matrix.indexOf('=');
      if (eq > 0 && sessionParameters.contains(matrix.substring(0, eq).toLowerCase(Locale.ROOT))) {
        sessionId = matrix.substring(eq + 1);
        path = path.substring(0, semicolon);
      }
    }
    if (personal != null) {
      path = PersonalData.withoutEmails(personal.withoutPathParameters(path));
    }
    if (path.isEmpty()) {
      path = "/";
    } else if (!path.startsWith("/")) {
      path = "/" + path;
    }
    Map<String, String> tracking = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    if (q >= 0) {
      for (String param : rest.substring(q + 1).split("&")) {
        if (param.isEmpty()) {
          continue;
        }
        int eq = param.indexOf('=');
        String name = eq < 0 ? param : param.substring(0, eq);
        if (personal != null && !sessionParameters.contains(name.toLowerCase(Locale.ROOT))) {
          if (personal.isRemoved(name)) {
            continue;
          }
          param = eq < 0 ? param : name + "=" + PersonalData.withoutEmailsInValue(param.substring(eq + 1));
        }
        if (isTracking(name)) {
          tracking.put(name.toLowerCase(Locale.ROOT), eq < 0 ? "" : decode(param.substring(eq + 1)));
        } else if (sessionParameters.contains(name.toLowerCase(Locale.ROOT))) {
          if (sessionId == null && eq > 0) {
            sessionId = decode(param.substring(eq + 1));
          }
        } else {
          kept.add(upperEscapes(param));
        }
      }
    }
    String query = kept.isEmpty() ? null : String.join("&", kept);
    String url = host + path + (query == null ? "" : "?" + query);
    return new NormalizedUrl(url, host, path, query, tracking, sessionId == null || sessionId.isBlank() ? null
        : sessionId);
  }

  /** Host lower-case, without a trailing dot or a default port. */
  static String host(String raw) {
    String host = raw.toLowerCase(Locale.ROOT);
    if (host.endsWith(":80") || host.endsWith(":443")) {
      host = host.substring(0, host.lastIndexOf(':'));
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return host;
  }

  static boolean isTracking(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.startsWith("utm_") || lower.equals("gclid") || lower.equals("fbclid");
  }

  /** The campaign: tracking parameters sorted and joined as {@code name=value&...}, or null. */
  public String campaign() {
    if (tracking.isEmpty()) {
      return null;
    }
    List<String> pairs = new ArrayList<>();
    tracking.forEach((k, v) -> pairs.add(k + "=" + v));
    Collections.sort(pairs);
    return String.join("&", pairs);
  }

  /** The decoded value of a query parameter (tracking ones included), or null. */
  public String parameter(String name) {
    String fromTracking = tracking.get(name);
    if (fromTracking != null) {
      return fromTracking;
    }
    if (query == null) {
      return null;
    }
    for (String param : query.split("&")) {
      int eq = param.indexOf('=');
      String key = eq < 0 ? param : param.substring(0, eq);
      if (key.equalsIgnoreCase(name)) {
        return eq < 0 ? "" : decode(param.substring(eq + 1));
      }
    }
    return null;
  }

  static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }

  private static String upperEscapes(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
        out.append('%').append(Character.toUpperCase(text.charAt(i + 1))).append(Character.toUpperCase(
            text.charAt(i + 2)));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
