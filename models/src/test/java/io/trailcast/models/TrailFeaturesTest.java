package io.trailcast.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TrailFeaturesTest {
  private static final List<Pattern> FUNNEL = List.of(Pattern.compile("^/checkout$"));
  private static final String UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)";
  // Saturday 2026-01-10, 10:00 UTC.
  private static final long T0 = 1_768_039_200_000L;

  private static TrailFeatures.Event page(int minute, String url, String action, String theme) {
    return new TrailFeatures.Event(T0 + minute * 60_000L, url, action, true, null, theme, UA);
  }

  @Test
  void theTrailStopsBeforeTheFunnelAndTheConversion() {
    List<TrailFeatures.Event> events = List.of(
        new TrailFeatures.Event(T0, "www.t.com/music/jazz?utm_campaign=x", "pageview", true, "utm_campaign=x",
            "music", UA),
        new TrailFeatures.Event(T0 + 1_000, "www.t.com/static/app.css", "other", false, null, null, UA),
        page(2, "www.t.com/search?q=jazz", "search", null),
        page(3, "www.t.com/music/concert", "click", "music"),
        page(5, "www.t.com/pricing", "pageview", "unknown"),
        page(6, "www.t.com/checkout", "pageview", null),
        page(7, "www.t.com/checkout/confirm", "conversion", null));
    assertEquals(5, TrailFeatures.cut(events, FUNNEL), "stops at /checkout");
    assertEquals(6, TrailFeatures.cut(events, List.of()), "without a funnel, at the conversion");

    TrailFeatures.Features f = TrailFeatures.of(events, 5, 2.5, 3, 1);
    assertEquals(List.of("music", "search", "music", "pricing"), f.sections());
    assertEquals(List.of("music>search", "search>music", "music>pricing"), f.bigrams());
    assertEquals(List.of("music"), f.themes());
    assertEquals("music", f.landing());
    assertEquals(4, f.pageviews());
    assertEquals(T0 + 5 * 60_000L, f.cutTs(), "the moment scored: the last event kept");
    double[] x = f.numeric();
    assertEquals(Math.log1p(4), x[0], 1e-12);
    assertEquals(5, x[1]);
    assertEquals(5.0, x[2], 1e-12, "minutes from first to last event kept");
    assertEquals(1, x[3], "searches");
    assertEquals(1, x[4], "a click after a search");
    assertEquals(3, x[5], "distinct sections");
    assertEquals(1.0, x[6], 1e-12, "every themed page is music");
    assertEquals(List.of(1.0, 1.0, 1.0), List.of(x[7], x[8], x[11]), "campaign, mobile, weekend");
    assertEquals(2.5, x[12]);
    assertEquals(Math.log1p(3), x[13], 1e-12);
    assertEquals(1, x[14]);
  }

  @Test
  void aFirstVisitIsThirtyDaysAwayAndAnEmptyTrailHasNoPages() {
    TrailFeatures.Features f = TrailFeatures.of(List.of(), 0, 400, 0, 0);
    assertEquals(0, f.pageviews());
    assertEquals("none", f.landing());
    assertEquals(30, f.numeric()[12], "capped at 30 days");
    assertEquals("home", TrailFeatures.section("www.t.com/"));
    assertEquals("home", TrailFeatures.section("www.t.com"));
  }
}
