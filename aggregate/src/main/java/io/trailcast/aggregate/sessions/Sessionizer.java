package io.trailcast.aggregate.sessions;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The session rules as a state machine over one user's events in {@link SessionEvent#ORDER}: the
 * one implementation the batch job drives over a sorted scan and the streaming job through
 * {@code flatMapGroupsWithState} (its state is this object). Rules are checked for each new event
 * in the order of docs/definitions.md: logout, timeout, midnight, campaign, max_duration,
 * max_events. A session's campaign and channel are those of its first interactive event.
 */
public final class Sessionizer implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SessionRules rules;
  private final String userId;
  private final String site;
  private final long gapMs;
  private final long maxDurationMs;
  private final long burstWindowMs;

  // The open session (start < 0 when there is none).
  private long start = -1;
  private long last;
  private LocalDate lastDay;
  private String campaign;
  /** Set by the first interactive event; null until then (a session of assets alone is direct). */
  private String channel;
  private boolean interactiveSeen;
  private int events;
  private int depth;
  private int searches;
  private int searchesWithClick;
  private int clicks;
  private boolean converted;
  private boolean bot;
  private String botRule;
  private boolean endedByLogout;
  private String landingPage;
  private String exitPage;
  private boolean exitWasSearch;
  private String openQuery;
  private boolean openQueryClicked;
  private int openQueryClicks;
  private java.util.ArrayList<Session.SearchOutcome> outcomes = new java.util.ArrayList<>();
  private long[] recent;

  public Sessionizer(SessionRules rules, String userId, String site) {
    this.rules = rules;
    this.userId = userId;
    this.site = site;
    this.gapMs = rules.gap().toMillis();
    this.maxDurationMs = rules.maxDuration().toMillis();
    this.burstWindowMs = rules.burstWindow().toMillis();
  }

  /** Adds the next event; returns the session it closed, or null. */
  public Session accept(SessionEvent event) {
    Session closed = null;
    if (start >= 0) {
      String reason = breakReason(event);
      if (reason != null) {
        closed = close(reason);
      }
    }
    if (start < 0) {
      open(event);
    }
    add(event);
    return closed;
  }

  /**
   * Closes the open session at the end of the data: {@code logout} if it ended with one,
   * {@code timeout} if idle for longer than the gap at {@code endOfData}, else {@code open}.
   * Returns null when no session is open.
   */
  public Session finish(long endOfData) {
    if (start < 0) {
      return null;
    }
    return close(endedByLogout ? "logout" : endOfData - last > gapMs ? "timeout" : "open");
  }

  /** The open session as it stands (for live views), or null; it stays open. */
  public Session peek() {
    return start < 0 ? null : snapshot("open");
  }

  private String breakReason(SessionEvent event) {
    if (endedByLogout) {
      return "logout";
    }
    if (event.ts() - last > gapMs) {
      return "timeout";
    }
    if (!day(event.ts()).equals(lastDay)) {
      return "midnight";
    }
    if (event.campaign() != null && interactiveSeen && !event.campaign().equals(campaign)) {
      return "campaign";
    }
    if (event.ts() - start >= maxDurationMs) {
      return "max_duration";
    }
    if (events >= rules.maxEvents()) {
      return "max_events";
    }
    return null;
  }

  private void open(SessionEvent event) {
    start = event.ts();
    campaign = null;
    channel = null;
    interactiveSeen = false;
    events = 0;
    depth = 0;
    searches = 0;
    searchesWithClick = 0;
    clicks = 0;
    converted = false;
    bot = false;
    botRule = null;
    endedByLogout = false;
    landingPage = null;
    exitPage = null;
    exitWasSearch = false;
    openQuery = null;
    openQueryClicked = false;
    openQueryClicks = 0;
    outcomes = new java.util.ArrayList<>();
    recent = new long[rules.burstEvents() + 1];
  }

  private void add(SessionEvent event) {
    recent[events % recent.length] = event.ts();
    events++;
    if (events > rules.burstEvents() && event.ts() - recent[events % recent.length] <= burstWindowMs) {
      botRule = bot ? botRule : Session.BURST;
      bot = true;
    }
    if (event.bot()) {
      botRule = bot ? botRule : Session.FLAGGED;
      bot = true;
    }
    last = event.ts();
    lastDay = day(event.ts());
    if (event.interactive() && !interactiveSeen) {
      // The first request a person made sets the campaign: an asset logged in the same second
      // before its page must not split the page's campaign off into a session of its own.
      interactiveSeen = true;
      campaign = event.campaign();
      // A streaming state saved before channels existed reads back with no channel rules: the defaults then.
      Channels channels = rules.channels() != null ? rules.channels() : DefaultChannels.RULES;
      channel = channels.of(event.referrer(), event.campaign(), event.url());
    }
    endedByLogout = "logout".equals(event.action());
    if (event.pageview()) {
      depth++;
      if (landingPage == null) {
        landingPage = event.url();
      }
      exitPage = event.url();
      exitWasSearch = "search".equals(event.action());
      switch (event.action()) {
        case "search" -> search(event);
        case "click" -> {
          clicks++;
          if (openQuery != null) {
            openQueryClicked = true;
            openQueryClicks++;
          }
        }
        case "conversion" -> converted = true;
        default -> {
        }
      }
    } else if ("conversion".equals(event.action())) {
      converted = true;
    }
  }

  /** Paging within the same query belongs to the open search; anything else submits a new one. */
  private void search(SessionEvent event) {
    String query = Objects.requireNonNullElse(event.searchQuery(), "");
    if (!query.equals(openQuery) || !isPaging(event.url())) {
      closeSearch();
      searches++;
      openQuery = query;
    }
  }

  private void closeSearch() {
    if (openQuery != null) {
      if (openQueryClicked) {
        searchesWithClick++;
      }
      outcomes.add(new Session.SearchOutcome(openQuery, openQueryClicks, false));
    }
    openQuery = null;
    openQueryClicked = false;
    openQueryClicks = 0;
  }

  static boolean isPaging(String url) {
    int q = url.indexOf('?');
    return q >= 0 && ("&" + url.substring(q + 1)).contains("&page=");
  }

  private Session close(String reason) {
    closeSearch();
    if (exitWasSearch && !outcomes.isEmpty()) {
      Session.SearchOutcome last = outcomes.remove(outcomes.size() - 1);
      outcomes.add(new Session.SearchOutcome(last.query(), last.clicks(), true));
    }
    Session session = snapshot(reason);
    start = -1;
    return session;
  }

  private Session snapshot(String reason) {
    int clickedSearches = searchesWithClick + (openQuery != null && openQueryClicked ? 1 : 0);
    boolean engaged = last - start >= rules.engagedDuration().toMillis() || depth >= 2 || converted;
    return new Session(userId, site, userId + "@" + start, start, last, reason, landingPage, exitPage, depth, events,
        depth == 1, engaged, searches, clickedSearches, clicks, converted, bot, campaign, exitWasSearch, day(start),
        java.util.List.copyOf(outcomes), botRule, channel == null ? Channels.DIRECT : channel);
  }

  private LocalDate day(long ts) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(ts), rules.zone());
  }

  /** The shipped site's channel rules, made once: only a state saved before channels existed needs them. */
  private static final class DefaultChannels {
    static final Channels RULES = Channels.of(io.trailcast.ingest.SiteConfig.defaults());
  }
}
