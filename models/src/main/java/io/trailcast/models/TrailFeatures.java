package io.trailcast.models;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The features of a trail (DESIGN.md "Conversion"): what a visitor did in a session before the
 * moment scored, and never the conversion. One pure function for training, batch scoring and the
 * streaming job. A trail stops before the first conversion event or funnel page (the pages that
 * lead straight into one, such as /checkout), so a converting session is cut before it converts.
 */
public final class TrailFeatures {
  /** Numeric features, in this order in {@link Features#numeric()}. */
  public static final List<String> NUMERIC = List.of("log_pageviews", "log_minutes", "searches",
      "search_clicks", "distinct_sections", "top_theme_share", "interest_focus", "campaign", "mobile", "hour_sin",
      "hour_cos", "weekend", "days_since_previous", "log_previous_sessions", "previous_conversions");
  private static final Pattern MOBILE = Pattern.compile("(?i)mobile|android|iphone|ipad");
  private static final double MAX_DAYS = 30;

  /**
   * One event of a session, in the sessions' order (event time, then log position, then id);
   * {@code interactive} false for hits that are not a visitor's action (assets, redirects, errors).
   */
  public record Event(long ts, String url, String action, boolean interactive, boolean pageview, String campaign,
      String theme, String userAgent) implements Serializable {
  }

  /**
   * A trail's features: numeric ones, the sections of its pages in order, their bigrams, the
   * themes seen, the landing section; {@code cutTs} is the time of its last event (the moment
   * scored) and {@code pageviews} its pageviews.
   */
  public record Features(double[] numeric, List<String> sections, List<String> bigrams, List<String> themes,
      String landing, long cutTs, int pageviews) implements Serializable {
  }

  /**
   * What is known of the user before the session: days since the previous one (a first session
   * counts as {@code MAX_DAYS} away), sessions and conversions so far, pageviews per theme so far.
   */
  public record History(double daysSincePrevious, long sessions, long conversions, Map<String, Long> themePageviews)
      implements Serializable {
    /** A user seen for the first time. */
    public static final History NONE = new History(MAX_DAYS, 0, 0, Map.of());
  }

  private TrailFeatures() {
  }

  /** Where the trail of {@code events} stops: the index of its first conversion or funnel event, or the size. */
  public static int cut(List<Event> events, List<Pattern> funnel) {
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if ("conversion".equals(e.action()) || (e.pageview() && matches(funnel, path(e.url())))) {
        return i;
      }
    }
    return events.size();
  }

  /**
   * Features of the first {@code length} events (a trail cut by {@link #cut}, or any prefix:
   * the moment scored), with what is known of the user before the session.
   */
  public static Features of(List<Event> events, int length, History history) {
    List<Event> trail = events.subList(0, length);
    List<String> sections = new ArrayList<>();
    Map<String, Integer> themes = new HashMap<>();
    int searches = 0;
    int searchClicks = 0;
    boolean afterSearch = false;
    String campaign = null;
    for (Event e : trail) {
      if (campaign == null && e.campaign() != null) {
        campaign = e.campaign();
      }
      if (!e.pageview()) {
        continue;
      }
      sections.add(section(e.url()));
      if (hasTheme(e)) {
        themes.merge(e.theme(), 1, Integer::sum);
      }
      if ("search".equals(e.action())) {
        searches++;
        afterSearch = true;
      } else if ("click".equals(e.action()) && afterSearch) {
        searchClicks++;
      }
    }
    List<String> bigrams = new ArrayList<>();
    for (int i = 1; i < sections.size(); i++) {
      bigrams.add(sections.get(i - 1) + ">" + sections.get(i));
    }
    int top = themes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    long start = trail.isEmpty() ? 0 : trail.get(0).ts();
    long end = trail.isEmpty() ? 0 : trail.get(trail.size() - 1).ts();
    ZonedDateTime at = Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC);
    double hour = at.getHour() + at.getMinute() / 60.0;
    String agent = trail.isEmpty() ? null : trail.get(0).userAgent();
    double[] numeric = {
        Math.log1p(sections.size()),
        Math.log1p((end - start) / 60_000.0),
        searches,
        searchClicks,
        new LinkedHashSet<>(sections).size(),
        // Focus: the share of the trail's pages in its own most seen theme, then in the user's main interest.
        sections.isEmpty() ? 0 : (double) top / sections.size(),
        sections.isEmpty() ? 0 : (double) themes.getOrDefault(mainInterest(history.themePageviews(), themes), 0)
            / sections.size(),
        campaign == null ? 0 : 1,
        agent != null && MOBILE.matcher(agent).find() ? 1 : 0,
        Math.sin(2 * Math.PI * hour / 24),
        Math.cos(2 * Math.PI * hour / 24),
        at.getDayOfWeek().getValue() >= 6 ? 1 : 0,
        Math.min(MAX_DAYS, Math.max(0, history.daysSincePrevious())),
        Math.log1p(history.sessions()),
        history.conversions()};
    return new Features(numeric, sections, bigrams, new ArrayList<>(new LinkedHashSet<>(themesInOrder(trail))),
        sections.isEmpty() ? "none" : sections.get(0), end, sections.size());
  }

  /**
   * The user's main interest: the theme with the most pageviews before and in this trail (ties go
   * to the first name), or null without themed pages.
   */
  static String mainInterest(Map<String, Long> before, Map<String, Integer> trail) {
    Map<String, Long> all = new java.util.TreeMap<>(before);
    trail.forEach((theme, n) -> all.merge(theme, (long) n, Long::sum));
    String main = null;
    for (Map.Entry<String, Long> e : all.entrySet()) {
      if (main == null || e.getValue() > all.get(main)) {
        main = e.getKey();
      }
    }
    return main;
  }

  private static List<String> themesInOrder(List<Event> trail) {
    List<String> themes = new ArrayList<>();
    for (Event e : trail) {
      if (e.pageview() && hasTheme(e)) {
        themes.add(e.theme());
      }
    }
    return themes;
  }

  /** A themed page, counted as user_daily counts theme pageviews: history before a window reads alike. */
  private static boolean hasTheme(Event e) {
    return e.theme() != null && !e.theme().equals("unknown");
  }

  /** The first path segment of a URL ({@code host/path?query}): {@code home} for the root. */
  static String section(String url) {
    String path = path(url);
    int next = path.indexOf('/', 1);
    String first = next < 0 ? path.substring(1) : path.substring(1, next);
    return first.isEmpty() ? "home" : first.toLowerCase(Locale.ROOT);
  }

  static String path(String url) {
    int slash = url.indexOf('/');
    String path = slash < 0 ? "/" : url.substring(slash);
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static boolean matches(List<Pattern> patterns, String path) {
    for (Pattern p : patterns) {
      if (p.matcher(path).find()) {
        return true;
      }
    }
    return false;
  }
}
