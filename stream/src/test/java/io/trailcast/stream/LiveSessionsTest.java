package io.trailcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.aggregate.sessions.Session;
import io.trailcast.aggregate.sessions.SessionEvent;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.aggregate.sessions.Sessionizer;
import io.trailcast.models.TrailFeatures;
import io.trailcast.models.TrailScorer;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The session rules on a stream: what is final when, what a late event changes, what gets scored. */
class LiveSessionsTest {
  private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  private static final long MIN = 60_000;
  private static final SessionRules RULES = SessionRules.defaults(ZoneId.of("UTC"));
  private static final TrailScorer.Rules SCORING = new TrailScorer.Rules(List.of("^/checkout"), 2);
  private final LiveSessions live = new LiveSessions(RULES);
  private int ids;

  private LiveEvent page(long minutes, String path) {
    return event(minutes, path, "pageview", true);
  }

  private LiveEvent event(long minutes, String path, String action, boolean interactive) {
    ids++;
    return new LiveEvent(new SessionEvent(T0 + minutes * MIN, SessionEvent.position("f", ids), "e" + ids,
        "shop.example" + path, action, interactive, interactive, null, null, false, null), "shoes", "Mozilla/5.0");
  }

  /** What the table holds after each call: sessions by id, gone ones removed. */
  private static void apply(Map<String, Session> table, LiveSessions.Result result) {
    result.gone().keySet().forEach(table::remove);
    result.finals().forEach(s -> table.put(s.sessionId(), s));
    result.live().forEach(s -> table.put(s.sessionId(), s));
  }

  private static List<Session> batch(List<LiveEvent> events, long endOfData) {
    List<LiveEvent> sorted = new ArrayList<>(events);
    sorted.sort((a, b) -> SessionEvent.ORDER.compare(a.event(), b.event()));
    Sessionizer sessionizer = new Sessionizer(RULES, "u", "s");
    List<Session> out = new ArrayList<>();
    for (LiveEvent e : sorted) {
      Session closed = sessionizer.accept(e.event());
      if (closed != null) {
        out.add(closed);
      }
    }
    out.add(sessionizer.finish(endOfData));
    return out;
  }

  @Test
  void eventsInOrderGiveTheBatchSessionsAndLeaveTheBufferOnceFinal() {
    UserState state = new UserState();
    Map<String, Session> table = new TreeMap<>();
    LiveEvent a = page(0, "/");
    LiveEvent b = page(5, "/shoes");
    LiveEvent c = page(60, "/");
    LiveSessions.Result first = live.advance(state, "u", "s", List.of(a, b), T0 - MIN, SCORING);
    apply(table, first);
    assertEquals(List.of(), first.finals());
    assertEquals("open", first.live().get(0).endReason());
    // Wake when the watermark passes the first buffered event.
    assertEquals(a.ts(), first.wakeAt());

    LiveSessions.Result second = live.advance(state, "u", "s", List.of(c), T0 + 10 * MIN, SCORING);
    apply(table, second);
    assertEquals(List.of(), second.finals(), "c is after the watermark: a late event could still fall before it");
    assertEquals(List.of("timeout", "open"), second.live().stream().map(Session::endReason).toList());

    LiveSessions.Result third = live.advance(state, "u", "s", List.of(), T0 + 61 * MIN, SCORING);
    apply(table, third);
    assertEquals(1, third.finals().size());
    assertEquals(1, state.buffer.size(), "only the open session's event is left");
    assertEquals(1, state.sessions, "the history counts the final session");

    LiveSessions.Result last = live.advance(state, "u", "s", List.of(), T0 + 120 * MIN, SCORING);
    apply(table, last);
    assertEquals("timeout", last.finals().get(0).endReason());
    assertEquals(0, state.buffer.size());
    assertEquals(-1, last.wakeAt());
    assertEquals(batch(List.of(a, b, c), T0 + 120 * MIN), List.copyOf(table.values()));
  }

  @Test
  void aLiveSessionIsWrittenAgainOnlyWhenItChanges() {
    UserState state = new UserState();
    LiveEvent a = page(0, "/");
    LiveEvent b = page(50, "/shoes");
    assertEquals(1, live.advance(state, "u", "s", List.of(a), T0 - MIN, SCORING).live().size());
    // Woken by the watermark alone, nothing final yet: the open session stands as written.
    LiveSessions.Result woken = live.advance(state, "u", "s", List.of(), T0 + MIN, SCORING);
    assertEquals(List.of(), woken.live());
    assertEquals(Map.of(), woken.gone());
    // A new session of the same user: the first one's end reason changes (timeout), so both are written.
    LiveSessions.Result next = live.advance(state, "u", "s", List.of(b), T0 + MIN, SCORING);
    assertEquals(List.of("timeout", "open"), next.live().stream().map(Session::endReason).toList());
    // A copy of b changes nothing: nothing to write.
    LiveEvent copy = new LiveEvent(b.event(), b.theme(), b.userAgent());
    assertEquals(List.of(), live.advance(state, "u", "s", List.of(copy), T0 + 2 * MIN, SCORING).live());
  }

  @Test
  void aLateEventWithinTheDelayMergesTwoLiveSessionsAndTheSupersededOneIsGone() {
    UserState state = new UserState();
    Map<String, Session> table = new TreeMap<>();
    LiveEvent a = page(0, "/");
    LiveEvent c = page(40, "/shoes");
    LiveEvent bridge = page(20, "/shoes/red");
    LiveEvent copy = new LiveEvent(bridge.event(), bridge.theme(), bridge.userAgent());
    apply(table, live.advance(state, "u", "s", List.of(a, c), T0 - MIN, SCORING));
    assertEquals(2, table.size(), "40 minutes apart: two sessions");
    LiveSessions.Result merged = live.advance(state, "u", "s", List.of(bridge, copy), T0 + 10 * MIN, SCORING);
    apply(table, merged);
    assertEquals(Map.of("u@" + (T0 + 40 * MIN), T0 + 40 * MIN), merged.gone());
    assertEquals(1, table.size());
    assertEquals(3, table.values().iterator().next().depth(), "the copy of the late event counts once");
    assertEquals(batch(List.of(a, bridge, c), T0 + 10 * MIN), List.copyOf(table.values()));
  }

  /**
   * The live metrics' changes, summed over the calls, are the counts of the sessions as they now
   * stand: a late event that merges two bounced sessions retracts both and adds the merged one.
   */
  @Test
  void theMetricsChangesAddUpToTheCountsOfTheSessionsAsTheyNowStand() {
    UserState state = new UserState();
    Map<String, Session> table = new TreeMap<>();
    Map<LiveCounts.Key, long[]> metrics = new java.util.HashMap<>();
    LiveEvent a = page(0, "/");
    LiveEvent c = page(40, "/shoes");
    LiveEvent bridge = page(20, "/shoes/red");
    for (LiveSessions.Result r : List.of(live.advance(state, "u", "s", List.of(a, c), T0 - MIN, SCORING),
        live.advance(state, "u", "s", List.of(), T0, SCORING))) {
      apply(table, r);
      r.counts().forEach((key, counts) -> LiveCounts.merge(metrics, key, counts, 1));
    }
    long day = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    long hour = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
    // Two bounced sessions of one pageview, landing on / and on /shoes.
    assertEquals(List.of(1L, 1L, 1L, 0L, 1L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L),
        counts(metrics, LiveCounts.Table.PAGES, "day", day, "shop.example/"));
    assertEquals(List.of(2L, 0L, 0L, 0L, 0L), counts(metrics, LiveCounts.Table.SEARCH, "hour", hour, "*"));

    LiveSessions.Result merged = live.advance(state, "u", "s", List.of(bridge), T0 + 10 * MIN, SCORING);
    apply(table, merged);
    merged.counts().forEach((key, counts) -> LiveCounts.merge(metrics, key, counts, 1));
    // One session of three pageviews landing on /: /shoes has no session left, so no row.
    assertEquals(List.of(1L, 1L, 0L, 1L, 3L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L),
        counts(metrics, LiveCounts.Table.PAGES, "day", day, "shop.example/"));
    assertEquals(null, counts(metrics, LiveCounts.Table.PAGES, "day", day, "shop.example/shoes"));
    assertEquals(List.of(1L, 0L, 0L, 0L, 0L), counts(metrics, LiveCounts.Table.SEARCH, "day", day, "*"));
    Map<LiveCounts.Key, long[]> expected = new java.util.HashMap<>();
    table.values().forEach(session -> LiveCounts.add(expected, session, 1, ZoneId.of("UTC")));
    assertEquals(asLists(expected), asLists(metrics));
  }

  private static List<Long> counts(Map<LiveCounts.Key, long[]> metrics, LiveCounts.Table table, String grain,
      long window, String dimension) {
    long[] counts = metrics.get(new LiveCounts.Key(table, "s", grain, window, dimension));
    return counts == null ? null : java.util.Arrays.stream(counts).boxed().toList();
  }

  private static Map<LiveCounts.Key, List<Long>> asLists(Map<LiveCounts.Key, long[]> metrics) {
    Map<LiveCounts.Key, List<Long>> out = new java.util.HashMap<>();
    metrics.forEach((k, v) -> out.put(k, java.util.Arrays.stream(v).boxed().toList()));
    return out;
  }

  @Test
  void everyNewInteractiveEventIsScoredUpToTheTrailsCut() {
    UserState state = new UserState();
    LiveEvent first = page(0, "/");
    LiveEvent asset = event(0, "/logo.png", "other", false);
    LiveEvent second = page(1, "/shoes");
    LiveSessions.Result result = live.advance(state, "u", "s", List.of(first, asset, second), T0 - MIN, SCORING);
    // The first page alone is under the 2 pageviews a score needs; the asset is not an action.
    assertEquals(1, result.scores().size());
    assertEquals(2, result.scores().get(0).features().pageviews());
    assertEquals(second.ts(), result.scores().get(0).features().cutTs());

    LiveSessions.Result later = live.advance(state, "u", "s", List.of(page(2, "/checkout"), page(3, "/thanks")),
        T0 - MIN, SCORING);
    assertEquals(List.of(), later.scores(), "the funnel page cuts the trail: nothing after it is scored");
  }

  @Test
  void aReplayedCallFromTheSameStateGivesTheSameOutput() {
    UserState state = new UserState();
    live.advance(state, "u", "s", List.of(page(0, "/"), page(5, "/a"), page(50, "/b")), T0 - MIN, SCORING);
    UserState copy = org.apache.commons.lang3.SerializationUtils.clone(state);
    List<LiveEvent> next = List.of(page(52, "/c"));
    LiveSessions.Result once = live.advance(state, "u", "s", next, T0 + 51 * MIN, SCORING);
    LiveSessions.Result again = live.advance(copy, "u", "s", next, T0 + 51 * MIN, SCORING);
    assertEquals(once.finals(), again.finals());
    assertEquals(once.live(), again.live());
    assertEquals(once.gone(), again.gone());
    assertTrue(once.finals().size() == 1 && once.live().size() == 1);
  }

  @Test
  void aLateEventInsideATrailRescoresTheLaterMomentsWithTheTrailAsItNowStands() {
    UserState state = new UserState();
    LiveEvent a = page(0, "/");
    LiveEvent c = page(4, "/shoes/red");
    LiveEvent d = page(6, "/shoes/blue");
    LiveSessions.Result first = live.advance(state, "u", "s", List.of(a, c, d), T0 - MIN, SCORING);
    assertEquals(List.of(c.ts(), d.ts()), cutTimes(first));
    // b arrives late but within the delay, between a and c: b, c and d are scored again, each
    // with the trail that now leads up to it, exactly as a batch run over all four would cut it.
    LiveEvent b = page(2, "/shoes");
    LiveSessions.Result second = live.advance(state, "u", "s", List.of(b), T0 + MIN, SCORING);
    assertEquals(List.of(b.ts(), c.ts(), d.ts()), cutTimes(second));
    List<TrailFeatures.Event> all = List.of(a.forTrail(), b.forTrail(), c.forTrail(), d.forTrail());
    TrailFeatures.Features batch = SCORING.trail(all, SCORING.patterns(), TrailFeatures.History.NONE);
    TrailFeatures.Features last = second.scores().get(2).features();
    assertEquals(batch.sections(), last.sections());
    assertEquals(List.of("home", "shoes", "shoes", "shoes"), last.sections());
    assertEquals(java.util.Arrays.toString(batch.numeric()), java.util.Arrays.toString(last.numeric()));
    assertEquals(batch.cutTs(), last.cutTs());

    // Without a model, nothing is scored; sessions go on as before.
    LiveSessions.Result unscored = live.advance(state, "u", "s", List.of(page(8, "/hats")), T0 + MIN, null);
    assertEquals(List.of(), unscored.scores());
    assertEquals(1, unscored.live().size());
  }

  @Test
  void aBatchTrailEndsAtItsLastInteractiveEventBeforeTheCut() {
    List<TrailFeatures.Event> events = List.of(page(0, "/").forTrail(), page(1, "/shoes").forTrail(),
        event(1, "/logo.png", "other", false).forTrail(), page(2, "/checkout").forTrail(), page(3, "/x").forTrail());
    TrailFeatures.Features trail = SCORING.trail(events, SCORING.patterns(), TrailFeatures.History.NONE);
    assertEquals(T0 + MIN, trail.cutTs(), "the asset after the last page is not part of the moment scored");
    assertEquals(2, trail.pageviews());
    assertEquals(null, SCORING.trail(events.subList(0, 1), SCORING.patterns(), TrailFeatures.History.NONE),
        "one pageview is under the model's minimum: no score rather than 0");
  }

  private static List<Long> cutTimes(LiveSessions.Result result) {
    return result.scores().stream().map(p -> p.features().cutTs()).toList();
  }
}
