package io.trailcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.aggregate.sessions.SessionEvent;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.models.TrailFeatures;
import io.trailcast.models.TrailScorer;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The session a stream scores now, rebuilt from stored events: the same trail and history as the stream's. */
class FreshTrailTest {
  private static final long T0 = Instant.parse("2026-01-05T08:00:00Z").toEpochMilli();
  private static final long MIN = 60_000;
  private static final SessionRules RULES = SessionRules.defaults(ZoneId.of("UTC"));
  private static final TrailScorer.Rules SCORING = new TrailScorer.Rules(List.of("^/checkout"), 2);
  private static final FreshTrail.Prior LIFETIME = new FreshTrail.Prior(7, 2, T0 - 3 * 86_400_000L,
      Map.of("shoes", 5L, "hats", 1L));
  private int ids;

  private LiveEvent page(long minutes, String path, String theme) {
    return event(minutes, path, "pageview", true, theme, false);
  }

  private LiveEvent event(long minutes, String path, String action, boolean interactive, String theme, boolean bot) {
    ids++;
    return new LiveEvent(new SessionEvent(T0 + minutes * MIN, SessionEvent.position("f", ids), "e" + ids,
        "shop.example" + path, action, interactive, interactive, null, null, bot, null), interactive ? theme : null,
        "Mozilla/5.0 (iPhone)");
  }

  /** A day: a session, a converting one, a bot's, then the one in progress (with an asset after its last page). */
  private List<LiveEvent> day() {
    List<LiveEvent> events = new ArrayList<>(List.of(
        page(0, "/", "unknown"), page(3, "/shoes/red", "shoes"), page(5, "/hats", "hats"),
        page(60, "/shoes", "shoes"), page(62, "/checkout", null), event(63, "/registration_ok", "conversion", true,
            null, false)));
    for (int i = 0; i < 120; i++) {
      events.add(event(150 + i / 100, "/crawl/" + i, "pageview", true, null, true));
    }
    events.addAll(List.of(page(240, "/shoes", "shoes"), page(242, "/shoes/blue", "shoes"),
        event(242, "/img/blue.png", "other", false, null, false), page(244, "/hats/top", "hats"),
        event(244, "/css/site.css", "other", false, null, false)));
    return events;
  }

  /** The stream's newest score of the last session, given the same events and what it loaded of the user. */
  private static TrailFeatures.Features streamed(List<LiveEvent> events, FreshTrail.Prior prior) {
    UserState state = new UserState();
    state.historyLoaded = true;
    state.sessions = prior.sessions();
    state.conversions = prior.conversions();
    state.previousEnd = prior.previousEnd();
    state.themePageviews.putAll(prior.themePageviews());
    LiveSessions.Result result = new LiveSessions(RULES).advance(state, "u", "s", events, T0 - MIN, SCORING);
    List<LiveSessions.ScorePoint> points = result.scores();
    String last = result.live().get(result.live().size() - 1).sessionId();
    return points.isEmpty() || !points.get(points.size() - 1).session().sessionId().equals(last) ? null
        : points.get(points.size() - 1).features();
  }

  private static TrailFeatures.Features fresh(List<LiveEvent> events, FreshTrail.Prior prior) {
    FreshTrail.Current current = FreshTrail.of(RULES, "u", "s", events, prior, T0 + 300 * MIN);
    return SCORING.trail(current.events(), SCORING.patterns(), current.history());
  }

  private static void assertSameFeatures(TrailFeatures.Features expected, TrailFeatures.Features actual) {
    assertArrayEquals(expected.numeric(), actual.numeric(), 0.0);
    assertEquals(expected.sections(), actual.sections());
    assertEquals(expected.bigrams(), actual.bigrams());
    assertEquals(expected.themes(), actual.themes());
    assertEquals(expected.landing(), actual.landing());
    assertEquals(expected.cutTs(), actual.cutTs());
    assertEquals(expected.pageviews(), actual.pageviews());
  }

  @Test
  void theLastSessionAndItsHistoryAreTheStreamsInAnyOrder() {
    List<LiveEvent> events = day();
    Collections.shuffle(events, new Random(5));
    TrailFeatures.Features expected = streamed(events, LIFETIME);
    TrailFeatures.Features actual = fresh(events, LIFETIME);
    assertSameFeatures(expected, actual);
    assertEquals(3, actual.pageviews());
    assertEquals(T0 + 244 * MIN, actual.cutTs(), "the last interactive event, not the asset after it");
    FreshTrail.Current current = FreshTrail.of(RULES, "u", "s", events, LIFETIME, T0 + 250 * MIN);
    assertEquals("u@" + (T0 + 240 * MIN), current.session().sessionId());
    assertEquals("open", current.session().endReason(), "within the gap of its last event");
    assertEquals("timeout", FreshTrail.of(RULES, "u", "s", events, LIFETIME, T0 + 300 * MIN).session().endReason());
    // Two human sessions before it (one converted), the bot's left out; themes of pages only, 'unknown' not.
    assertEquals(new TrailFeatures.History((240 - 63) / 1440.0, 9, 3, Map.of("shoes", 7L, "hats", 2L)),
        current.history());
  }

  @Test
  void aUserSeenForTheFirstTimeHasOnlyTheDaysSessions() {
    List<LiveEvent> events = day();
    assertSameFeatures(streamed(events, FreshTrail.Prior.NONE), fresh(events, FreshTrail.Prior.NONE));
    FreshTrail.Current current = FreshTrail.of(RULES, "u", "s", events, FreshTrail.Prior.NONE, T0 + 300 * MIN);
    assertEquals(2, current.history().sessions());
    assertEquals(1, current.history().conversions());
  }

  @Test
  void aTrailCutByTheFunnelEndsBeforeIt() {
    List<LiveEvent> events = new ArrayList<>(List.of(page(0, "/", null), page(1, "/shoes", "shoes"),
        page(2, "/hats", "hats"), page(3, "/checkout", null), page(4, "/shoes/red", "shoes")));
    TrailFeatures.Features actual = fresh(events, FreshTrail.Prior.NONE);
    assertSameFeatures(streamed(events, FreshTrail.Prior.NONE), actual);
    assertEquals(T0 + 2 * MIN, actual.cutTs());
    assertEquals(List.of("home", "shoes", "hats"), actual.sections());
  }

  @Test
  void aBotsSessionOrATrailUnderTheMinimumGetsNoScore() {
    List<LiveEvent> bot = new ArrayList<>(List.of(page(0, "/", null), page(1, "/shoes", "shoes")));
    for (int i = 0; i < 120; i++) {
      bot.add(page(2, "/crawl/" + i, null));
    }
    assertTrue(FreshTrail.of(RULES, "u", "s", bot, FreshTrail.Prior.NONE, T0 + 10 * MIN).session().bot());
    assertNull(streamed(bot, FreshTrail.Prior.NONE));

    List<LiveEvent> short1 = List.of(page(0, "/", null), event(1, "/img/a.png", "other", false, null, false));
    assertNull(fresh(short1, FreshTrail.Prior.NONE), "one pageview: under the minimum of 2");
    assertNull(streamed(short1, FreshTrail.Prior.NONE));
    assertNull(FreshTrail.of(RULES, "u", "s", List.of(), FreshTrail.Prior.NONE, T0));
  }
}
