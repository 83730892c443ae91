package io.trailcast.aggregate.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session rules on hand-written events, with the exact sessions they must give. */
class SessionizerTest {
  private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  private final List<Session> sessions = new ArrayList<>();
  private final Sessionizer user = new Sessionizer(SessionRules.defaults(ZoneId.of("Europe/Paris")), "u1", "s");
  private int ids;

  private void event(long seconds, String url, String action, boolean pageview, String campaign, String query) {
    Session closed = user.accept(new SessionEvent(T0 + seconds * 1000, SessionEvent.position("f", ids), "e" + ids++,
        url, action, !"other".equals(action), pageview, campaign, query, false, null));
    if (closed != null) {
      sessions.add(closed);
    }
  }

  private void page(long seconds, String url) {
    event(seconds, url, "pageview", true, null, null);
  }

  private void finish(long seconds) {
    Session last = user.finish(T0 + seconds * 1000);
    if (last != null) {
      sessions.add(last);
    }
  }

  @Test
  void classicBounceEngagementAndTimeout() {
    page(0, "h/a");
    event(1, "h/app.css", "other", false, null, null);
    page(1801, "h/b");                               // 30 min 0 s after the last event: same session
    page(1801 + 1801, "h/c");                        // 30 min 1 s: a new one
    finish(1801 + 1801 + 5);
    assertEquals(List.of(
        new Session("u1", "s", "u1@" + T0, T0, T0 + 1_801_000, "timeout", "h/a", "h/b", 2, 3, false, true, 0, 0, 0,
            false, false, null, false, java.time.LocalDate.of(2026, 1, 5), List.of(), null, "direct"),
        new Session("u1", "s", "u1@" + (T0 + 3_602_000), T0 + 3_602_000, T0 + 3_602_000, "open", "h/c", "h/c", 1, 1,
            true, false, 0, 0, 0, false, false, null, false, java.time.LocalDate.of(2026, 1, 5), List.of(), null,
            "direct")),
        sessions);
  }

  @Test
  void logoutMidnightCampaignAndTheirOrder() {
    page(0, "h/a");
    event(5, "h/logout", "logout", false, null, null);
    page(6, "h/b");                                  // after a logout: new session (logout)
    page(12 * 3600 + 50 * 60, "h/c");                // 23:50 in Paris: timeout
    page(13 * 3600 + 5 * 60, "h/d");                 // 00:05 in Paris, 15 min later: midnight
    event(13 * 3600 + 6 * 60, "h/e", "pageview", true, "utm_campaign=x", null);   // campaign
    page(13 * 3600 + 7 * 60, "h/f");                 // no tracking: stays in the campaign's session
    event(13 * 3600 + 8 * 60, "h/out", "logout", false, null, null);
    finish(13 * 3600 + 9 * 60);
    assertEquals(List.of("logout", "timeout", "midnight", "campaign", "logout"),
        sessions.stream().map(Session::endReason).toList());
    assertEquals("utm_campaign=x", sessions.get(4).campaign());
    assertEquals(2, sessions.get(4).depth());
    assertEquals(2, sessions.get(0).events(), "the logout belongs to the session it ends");
  }

  @Test
  void anAssetBeforeItsCampaignPageInTheSameSecondDoesNotSplitTheSession() {
    event(0, "h/app.css", "other", false, null, null);
    event(0, "h/landing?x=1", "pageview", true, "utm_source=news", null);
    event(30, "h/next", "pageview", true, null, null);
    event(40, "h/again", "pageview", true, "utm_source=ads", null);
    finish(50);
    assertEquals(List.of("campaign:3:utm_source=news", "open:1:utm_source=ads"), sessions.stream()
        .map(s -> s.endReason() + ":" + s.events() + ":" + s.campaign()).toList());
  }

  @Test
  void maxDurationAndMaxEvents() {
    Sessionizer small = new Sessionizer(new SessionRules(java.time.Duration.ofMinutes(30),
        java.time.Duration.ofHours(12), 3, 100, java.time.Duration.ofSeconds(100), java.time.Duration.ofSeconds(10),
        ZoneId.of("UTC"), Channels.of(io.trailcast.ingest.SiteConfig.defaults())), "u2", "s");
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Session closed = small.accept(new SessionEvent(T0 + i * 1000L, "f", "e" + i, "h/p", "pageview", true, true, null,
          null, false, null));
      if (closed != null) {
        reasons.add(closed.endReason() + ":" + closed.events());
      }
    }
    assertEquals(List.of("max_events:3", "max_events:3"), reasons);
    for (int i = 0; i <= 36; i++) {
      page(i * 20 * 60L, "h/p" + i);               // every 20 min from 10:00 (11:00 Paris) to 22:00
    }
    assertEquals("max_duration", sessions.get(0).endReason());
    assertEquals(36, sessions.get(0).depth(), "the event 12 h after the start opens the next session");
  }

  @Test
  void searchesPagingClicksAndExits() {
    event(0, "h/search?q=jazz", "search", true, null, "jazz");
    event(10, "h/search?q=jazz&page=2", "search", true, null, "jazz");   // paging: the same search
    event(20, "h/music/jazz-1", "click", true, null, null);
    page(30, "h/music/jazz-2");
    event(40, "h/search?q=rock", "search", true, null, "rock");          // no click before the next
    event(50, "h/search?q=rock", "search", true, null, "rock");          // submitted again: a new search
    event(60, "h/search?q=tennis", "search", true, null, "tennis");      // a search exit
    event(70, "h/registration/ok", "conversion", false, null, null);     // answered 302: still a conversion
    finish(80);
    Session s = sessions.get(0);
    assertEquals(4, s.searches());
    assertEquals(1, s.searchesWithClick());
    assertEquals(1, s.clicks());
    assertEquals(7, s.depth());
    assertEquals(true, s.converted());
    assertEquals("h/search?q=tennis", s.exitPage());
    assertEquals(true, s.searchExit());
    assertEquals(List.of(new Session.SearchOutcome("jazz", 1, false), new Session.SearchOutcome("rock", 0, false),
        new Session.SearchOutcome("rock", 0, false), new Session.SearchOutcome("tennis", 0, true)),
        s.searchOutcomes());
  }

  @Test
  void aClickAfterTheNextSearchBelongsToThatSearch() {
    event(0, "h/search?q=jazz", "search", true, null, "jazz");
    event(10, "h/search?q=rock", "search", true, null, "rock");
    event(20, "h/music/rock-1", "click", true, null, null);
    finish(30);
    assertEquals(2, sessions.get(0).searches());
    assertEquals(1, sessions.get(0).searchesWithClick(), "jazz had no click before rock was searched");
  }

  @Test
  void burstsMarkBotsAndOpenSessionsCanBePeeked() {
    for (int i = 0; i < 101; i++) {
      page(i / 2, "h/p");
    }
    assertEquals(true, user.peek().bot(), "101 events in 50 s");
    assertEquals(Session.BURST, user.peek().botRule());
    assertEquals("open", user.peek().endReason());
    Sessionizer calm = new Sessionizer(SessionRules.defaults(ZoneId.of("UTC")), "u3", "s");
    for (int i = 0; i < 101; i++) {
      calm.accept(new SessionEvent(T0 + i * 1001L, "f", "e" + i, "h/p", "pageview", true, true, null, null, false,
          null));
    }
    assertEquals(false, calm.peek().bot(), "101 events over 100.1 s");
    assertNull(calm.peek().botRule());
    Sessionizer flagged = new Sessionizer(SessionRules.defaults(ZoneId.of("UTC")), "u5", "s");
    flagged.accept(new SessionEvent(T0, "f", "e0", "h/p", "pageview", true, true, null, null, false, null));
    flagged.accept(new SessionEvent(T0 + 1_000, "f", "e1", "h/p", "pageview", true, true, null, null, true, null));
    for (int i = 2; i < 110; i++) {
      flagged.accept(new SessionEvent(T0 + 1_000 + i, "f", "e" + i, "h/p", "pageview", true, true, null, null, false,
          null));
    }
    assertEquals(Session.FLAGGED, flagged.peek().botRule(), "the first rule that made it a bot: a flagged event");
    assertNull(new Sessionizer(SessionRules.defaults(ZoneId.of("UTC")), "u4", "s").finish(T0));
  }
}
