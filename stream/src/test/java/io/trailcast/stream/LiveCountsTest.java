package io.trailcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trailcast.aggregate.sessions.Session;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What one session counts in the live metrics' windows, and which hour a moment falls in. */
class LiveCountsTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static Session session(String start, int depth, boolean bot, List<Session.SearchOutcome> searches) {
    long ts = Instant.parse(start).toEpochMilli();
    return new Session("u", "s", "u@" + ts, ts, ts + 60_000, "timeout", depth > 0 ? "s/a" : null, "s/a", depth,
        depth + searches.size(), depth == 1, depth >= 2, searches.size(),
        (int) searches.stream().filter(q -> q.clicks() > 0).count(),
        searches.stream().mapToInt(Session.SearchOutcome::clicks).sum(), false, bot, null, false,
        LocalDate.ofInstant(Instant.ofEpochMilli(ts), NEW_YORK), searches, bot ? Session.FLAGGED : null, "direct");
  }

  private static List<Long> counts(Map<LiveCounts.Key, long[]> counts, LiveCounts.Table table, String grain,
      String window, String dimension) {
    long[] c = counts.get(new LiveCounts.Key(table, "s", grain, Instant.parse(window).toEpochMilli(), dimension));
    return c == null ? null : java.util.Arrays.stream(c).boxed().toList();
  }

  @Test
  void aHumanSessionCountsForItsLandingPageAndItsSearchesInItsDayAndHour() {
    Map<LiveCounts.Key, long[]> counts = new HashMap<>();
    LiveCounts.add(counts, session("2026-03-02T15:20:00Z", 12, false,
        List.of(new Session.SearchOutcome("boots", 2, false), new Session.SearchOutcome("hats", 0, true))), 1,
        NEW_YORK);
    // New York is 5 hours behind UTC in March before the switch: the day starts at 05:00Z.
    assertEquals(List.of(1L, 1L, 0L, 1L, 12L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L),
        counts(counts, LiveCounts.Table.PAGES, "day", "2026-03-02T05:00:00Z", "s/a"));
    assertEquals(List.of(1L, 2L, 1L, 2L, 0L), counts(counts, LiveCounts.Table.SEARCH, "hour", "2026-03-02T15:00:00Z",
        "*"));
    assertEquals(List.of(1L, 1L, 1L, 2L, 0L), counts(counts, LiveCounts.Table.SEARCH, "day", "2026-03-02T05:00:00Z",
        "boots"));
    assertEquals(List.of(1L, 1L, 0L, 0L, 1L), counts(counts, LiveCounts.Table.SEARCH, "hour", "2026-03-02T15:00:00Z",
        "hats"));
    assertEquals(8, counts.size(), "a page, a total and two queries, in two windows");
  }

  @Test
  void aBotCountsOnlyAsABotSessionOfItsLandingPageAndASessionWithoutPageviewOnlyInTheSearchTotal() {
    Map<LiveCounts.Key, long[]> counts = new HashMap<>();
    LiveCounts.add(counts, session("2026-03-02T15:20:00Z", 3, true, List.of()), 1, NEW_YORK);
    assertEquals(List.of(1L, 0L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L),
        counts(counts, LiveCounts.Table.PAGES, "hour", "2026-03-02T15:00:00Z", "s/a"));
    assertEquals(2, counts.size());
    counts.clear();
    LiveCounts.add(counts, session("2026-03-02T15:20:00Z", 0, false, List.of()), 1, NEW_YORK);
    assertEquals(List.of(1L, 0L, 0L, 0L, 0L), counts(counts, LiveCounts.Table.SEARCH, "day", "2026-03-02T05:00:00Z",
        "*"));
    assertEquals(2, counts.size());
  }

  @Test
  void aSessionAddedThenRetractedLeavesNothing() {
    Map<LiveCounts.Key, long[]> counts = new HashMap<>();
    Session s = session("2026-03-02T15:20:00Z", 2, false, List.of(new Session.SearchOutcome("boots", 1, false)));
    LiveCounts.add(counts, s, 1, NEW_YORK);
    LiveCounts.add(counts, s, -1, NEW_YORK);
    assertEquals(Map.of(), counts);
  }

  /** The hour that occurs twice when clocks go back is one window, as Spark's hour of the batch check. */
  @Test
  void bothOneThirtiesOfTheNightClocksGoBackFallInOneHourWindow() {
    Instant first = Instant.parse("2026-11-01T05:30:00Z");
    Instant second = Instant.parse("2026-11-01T06:30:00Z");
    assertEquals(Instant.parse("2026-11-01T05:00:00Z"), LiveCounts.hourStart(first.toEpochMilli(), NEW_YORK));
    assertEquals(Instant.parse("2026-11-01T05:00:00Z"), LiveCounts.hourStart(second.toEpochMilli(), NEW_YORK));
    assertEquals(Instant.parse("2026-11-01T07:00:00Z"),
        LiveCounts.hourStart(Instant.parse("2026-11-01T07:10:00Z").toEpochMilli(), NEW_YORK));
  }
}
