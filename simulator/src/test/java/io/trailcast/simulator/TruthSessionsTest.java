package io.trailcast.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TruthSessionsTest {
  private static final Device BROWSER = new Device(0, "d0", "p1", "1.2.3.4", "UA", "c0", false);
  private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  private final List<TruthSessions.Session> done = new ArrayList<>();
  private final TruthSessions truth = new TruthSessions(ZoneId.of("UTC"), done::add);

  private String add(long offsetSeconds, String path, SimEvent.Kind kind) {
    SimEvent event = new SimEvent(T0 + offsetSeconds * 1000, BROWSER, "GET", path, null, 200, 10, kind, null, null);
    return truth.add(event, Urls.campaign(path));
  }

  @Test
  void inactivityOverThirtyMinutesStartsANewSession() {
    assertEquals("d0-1", add(0, "/a", SimEvent.Kind.PAGE));
    assertEquals("d0-1", add(1, "/static/app.css", SimEvent.Kind.ASSET));
    assertEquals("d0-1", add(1800, "/b", SimEvent.Kind.PAGE));
    assertEquals("d0-2", add(1800 + 1801, "/c", SimEvent.Kind.PAGE));
    truth.finishAll(T0 + 10 * 3_600_000L);
    assertEquals(List.of("timeout", "timeout"), done.stream().map(TruthSessions.Session::endReason).toList());
    TruthSessions.Session first = done.get(0);
    assertEquals(2, first.depth());
    assertEquals(3, first.events());
    assertEquals("www.trailmag.com/a", first.landingPage());
    assertEquals("www.trailmag.com/b", first.exitPage());
    assertFalse(first.bounced());
    assertTrue(first.engaged());
    TruthSessions.Session second = done.get(1);
    assertTrue(second.bounced());
    assertFalse(second.engaged(), "one page, no time, no conversion");
  }

  @Test
  void logoutMidnightCampaignAndOpenEndSessions() {
    add(0, "/a", SimEvent.Kind.PAGE);
    add(10, "/account/logout", SimEvent.Kind.LOGOUT);
    add(20, "/b", SimEvent.Kind.PAGE);
    add(14 * 3600 - 10, "/c", SimEvent.Kind.PAGE);           // 23:59:50
    add(14 * 3600 + 10, "/d", SimEvent.Kind.PAGE);           // 00:00:10 next day
    add(14 * 3600 + 20, "/e?utm_campaign=x&utm_source=y", SimEvent.Kind.PAGE);
    add(14 * 3600 + 30, "/f", SimEvent.Kind.PAGE);
    truth.finishAll(T0 + 14 * 3_600_000L + 60_000);
    assertEquals(List.of("logout", "timeout", "midnight", "campaign", "open"),
        done.stream().map(TruthSessions.Session::endReason).toList());
    assertEquals("utm_campaign=x&utm_source=y", done.get(4).campaign());
    assertEquals(2, done.get(4).depth(), "later pages keep the campaign of the landing");
    assertEquals("2026-01-06", done.get(3).day());
  }

  @Test
  void twelveHoursIsTheLongestSession() {
    for (int i = 0; i <= 13 * 3; i++) {
      add(i * 1200L, "/p" + i, SimEvent.Kind.PAGE);
    }
    truth.finishAll(T0 + 20 * 3_600_000L);
    assertEquals("max_duration", done.get(0).endReason());
    assertEquals(36, done.get(0).depth(), "pages at 0, 20 min, ... 11 h 40 min");
  }

  @Test
  void searchesCountOncePerQueryWithPagingAndClicksBeforeTheNextSearch() {
    add(0, "/search?q=jazz", SimEvent.Kind.SEARCH);
    add(10, "/search?q=jazz&page=2", SimEvent.Kind.SEARCH);  // paging: same search
    add(20, "/music/jazz-1", SimEvent.Kind.CLICK);
    add(30, "/search?q=rock", SimEvent.Kind.SEARCH);           // no click before the next search
    add(40, "/search?q=tennis", SimEvent.Kind.SEARCH);         // search exit: the session ends after it
    truth.finishAll(T0 + 3_600_000L);
    TruthSessions.Session session = done.get(0);
    assertEquals(3, session.searches());
    assertEquals(1, session.searchesWithClick());
    assertEquals(1, session.clicks());
    assertEquals(5, session.depth());
  }

  @Test
  void moreThanHundredEventsInHundredSecondsIsABurst() {
    for (int i = 0; i < 101; i++) {
      add(i / 2, "/p" + i, SimEvent.Kind.PAGE);
    }
    truth.finishAll(T0 + 3_600_000L);
    assertTrue(done.get(0).bot());
    done.clear();
    TruthSessions calm = new TruthSessions(ZoneId.of("UTC"), done::add);
    for (int i = 0; i < 101; i++) {
      calm.add(new SimEvent(T0 + i * 2000L, BROWSER, "GET", "/p", null, 200, 1, SimEvent.Kind.PAGE, null, null), null);
    }
    calm.finishAll(T0 + 3_600_000L);
    assertFalse(done.get(0).bot(), "101 events over 200 s is not a burst");
  }
}
