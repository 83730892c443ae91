package io.trailcast.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The few URL facts the simulator's truth needs (the pipeline has its own normaliser). */
final class Urls {
  private Urls() {
  }

  static boolean isTracking(String name) {
    return name.startsWith("utm_") || name.equals("gclid") || name.equals("fbclid");
  }

  /** The URL without its tracking parameters (utm_*, gclid, fbclid). */
  static String withoutTracking(String url) {
    int q = url.indexOf('?');
    if (q < 0) {
      return url;
    }
    StringBuilder kept = new StringBuilder();
    for (String param : url.substring(q + 1).split("&")) {
      String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
      if (!isTracking(name)) {
        kept.append(kept.length() == 0 ? "" : "&").append(param);
      }
    }
    return kept.length() == 0 ? url.substring(0, q) : url.substring(0, q + 1) + kept;
  }

  /** The decoded value of a query parameter, or "" when absent. */
  static String queryParameter(String pathAndQuery, String name) {
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return "";
    }
    for (String param : pathAndQuery.substring(q + 1).split("&")) {
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).equals(name)) {
        return URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  /**
   * The campaign a URL carries: its tracking parameters (utm_*, gclid, fbclid) sorted and joined
   * as {@code name=value&...}, or null when it has none.
   */
  static String campaign(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return null;
    }
    java.util.List<String> tracking = new java.util.ArrayList<>();
    for (String param : pathAndQuery.substring(q + 1).split("&")) {
      int eq = param.indexOf('=');
      String name = eq < 0 ? param : param.substring(0, eq);
      if (isTracking(name)) {
        tracking.add(name + "=" + (eq < 0 ? "" : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8)));
      }
    }
    java.util.Collections.sort(tracking);
    return tracking.isEmpty() ? null : String.join("&", tracking);
  }
}
