package io.trailcast.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TrailFeaturesTest {
  private static final List<Pattern> FUNNEL = List.of(Pattern.compile("^/checkout$"));
  private static final String UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)";
  // Saturday 2026-01-10, 10:00 UTC.
  private static final long T0 = 1_768_039_200_000L;

  private static TrailFeatures.Event page(int minute, String url, String action, String theme) {
    return new TrailFeatures.Event(T0 + minute * 60_000L, url, action, true, true, null, theme, UA);
  }

  @Test
  void theTrailStopsBeforeTheFunnelAndTheConversion() {
    List<TrailFeatures.Event> events = List.of(
        new TrailFeatures.Event(T0, "www.t.com/music/jazz?utm_campaign=x", "pageview", true, true, "utm_campaign=x",
            "music", UA),
        new TrailFeatures.Event(T0 + 1_000, "www.t.com/static/app.css", "other", false, false, null, null, UA),
        page(2, "www.t.com/search?q=jazz", "search", null),
        page(3, "www.t.com/music/concert", "click", "music"),
        page(5, "www.t.com/pricing", "pageview", "unknown"),
        page(6, "www.t.com/checkout", "pageview", null),
        page(7, "www.t.com/checkout/confirm", "conversion", null));
    assertEquals(5, TrailFeatures.cut(events, FUNNEL), "stops at /checkout");
    assertEquals(6, TrailFeatures.cut(events, List.of()), "without a funnel, at the conversion");

    // Before: 3 sessions, 1 conversion, and more travel pages than music ones.
    TrailFeatures.Features f = TrailFeatures.of(events, 5, new TrailFeatures.History(2.5, 3, 1,
        Map.of("travel", 5L, "music", 1L)));
    assertEquals(List.of("music", "search", "music", "pricing"), f.sections());
    assertEquals(List.of("music>search", "search>music", "music>pricing"), f.bigrams());
    assertEquals(List.of("music"), f.themes());
    assertEquals("music", f.landing());
    assertEquals(4, f.pageviews());
    assertEquals(T0 + 5 * 60_000L, f.cutTs(), "the moment scored: the last event kept");
    assertEquals(Math.log1p(4), value(f, "log_pageviews"), 1e-12);
    assertEquals(Math.log1p(5.0), value(f, "log_minutes"), 1e-12, "minutes from first to last event kept");
    assertEquals(1, value(f, "searches"));
    assertEquals(1, value(f, "search_clicks"), "a click after a search");
    assertEquals(3, value(f, "distinct_sections"));
    assertEquals(0.5, value(f, "top_theme_share"), 1e-12, "2 of 4 pages are music, the trail's top theme");
    assertEquals(0, value(f, "interest_focus"), "travel is still the user's main interest: 5 > 1 + 2");
    assertEquals(List.of(1.0, 1.0, 1.0), List.of(value(f, "campaign"), value(f, "mobile"), value(f, "weekend")));
    assertEquals(2.5, value(f, "days_since_previous"));
    assertEquals(Math.log1p(3), value(f, "log_previous_sessions"), 1e-12);
    assertEquals(1, value(f, "previous_conversions"));

    TrailFeatures.Features newcomer = TrailFeatures.of(events, 5, TrailFeatures.History.NONE);
    assertEquals(0.5, value(newcomer, "interest_focus"), 1e-12, "without a past, the trail's own top theme");
  }

  @Test
  void aFirstVisitIsThirtyDaysAwayAndAnEmptyTrailHasNoPages() {
    TrailFeatures.Features f = TrailFeatures.of(List.of(), 0, new TrailFeatures.History(400, 0, 0, Map.of()));
    assertEquals(0, f.pageviews());
    assertEquals("none", f.landing());
    assertEquals(30, value(f, "days_since_previous"), "capped at 30 days");
    assertEquals(30, TrailFeatures.History.NONE.daysSincePrevious());
    assertEquals("home", TrailFeatures.section("www.t.com/"));
    assertEquals("home", TrailFeatures.section("www.t.com"));
  }

  private static double value(TrailFeatures.Features f, String name) {
    return f.numeric()[TrailFeatures.NUMERIC.indexOf(name)];
  }
}
