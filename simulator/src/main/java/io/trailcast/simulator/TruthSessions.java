package io.trailcast.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The true sessions of the simulated traffic, cut by the rules of DESIGN.md with their defaults
 * (30 min inactivity, logout, midnight in the site time zone, campaign change, 12 h, 2,500 events;
 * more than 100 events in 100 s marks a burst). Deliberately written apart from the pipeline's own
 * session code, so that the two can check each other. Events of a device must come in time order.
 */
public final class TruthSessions {
  static final long GAP_MS = 30 * 60_000L;
  static final long MAX_DURATION_MS = 12 * 3_600_000L;
  static final int MAX_EVENTS = 2_500;
  static final int BURST_EVENTS = 100;
  static final long BURST_WINDOW_MS = 100_000L;
  static final long ENGAGED_MS = 10_000L;

  /** A finished true session. */
  public record Session(String sessionId, String personId, String deviceId, long start, long end,
      String endReason, String landingPage, String exitPage, int depth, int events, boolean bounced,
      boolean engaged, int searches, int searchesWithClick, int clicks, boolean converted,
      double conversionProbability, boolean bot, String campaign, String day, String channel) {
  }

  /**
   * The channel the simulator meant for a first request: it knows the referrers and campaigns it writes (a search
   * engine, a social post, newsletters, a paid click, the site's own pages), so this needs no referrer list.
   */
  static String channel(String referrer, String campaign) {
    if (campaign != null) {
      return campaign.contains("utm_medium=email") ? "email" : campaign.contains("utm_medium=social") ? "social"
          : campaign.contains("gclid=") ? "paid_search" : "campaign";
    }
    if (referrer == null || referrer.startsWith(Visits.SITE)) {
      return "direct";
    }
    return referrer.startsWith("https://www.google.com/") ? "organic_search"
        : referrer.startsWith("https://t.co/") ? "social" : "referral";
  }

  private final ZoneId zone;
  private final Consumer<Session> sink;
  private final Map<Integer, Open> open = new HashMap<>();
  private final Map<Integer, Integer> counters = new HashMap<>();

  public TruthSessions(ZoneId zone, Consumer<Session> sink) {
    this.zone = zone;
    this.sink = sink;
  }

  /** Adds one event; returns the id of the true session it belongs to. */
  public String add(SimEvent event, String campaign) {
    Device device = event.device();
    Open session = open.get(device.index());
    if (session != null) {
      String reason = breakReason(session, event, campaign);
      if (reason != null) {
        sink.accept(session.finish(reason));
        session = null;
      }
    }
    if (session == null) {
      int n = counters.merge(device.index(), 1, Integer::sum);
      session = new Open(device.id() + "-" + n, device, event.ts(), zone);
      open.put(device.index(), session);
    }
    session.add(event, campaign);
    return session.id;
  }

  /** Marks the open session of a device as converted, with the model's probability. */
  public void recordConversionProbability(Device device, double probability) {
    Open session = open.get(device.index());
    if (session != null) {
      session.conversionProbability = probability;
    }
  }

  /** Ends every open session: {@code timeout} when idle for 30 min at {@code endOfData}, else {@code open}. */
  public void finishAll(long endOfData) {
    open.values().stream()
        .sorted((a, b) -> Integer.compare(a.device.index(), b.device.index()))
        .forEach(s -> sink.accept(s.finish(
            s.endedByLogout ? "logout" : endOfData - s.last > GAP_MS ? "timeout" : "open")));
    open.clear();
  }

  private String breakReason(Open session, SimEvent event, String campaign) {
    if (session.endedByLogout) {
      return "logout";
    }
    if (event.ts() - session.last > GAP_MS) {
      return "timeout";
    }
    if (!LocalDate.ofInstant(Instant.ofEpochMilli(event.ts()), zone).equals(session.lastDay)) {
      return "midnight";
    }
    if (campaign != null && session.interactiveSeen && !campaign.equals(session.campaign)) {
      return "campaign";
    }
    if (event.ts() - session.start >= MAX_DURATION_MS) {
      return "max_duration";
    }
    if (session.events >= MAX_EVENTS) {
      return "max_events";
    }
    return null;
  }

  private static final class Open {
    final String id;
    final Device device;
    final long start;
    final ZoneId zone;
    String campaign;
    String channel = "direct";
    boolean interactiveSeen;
    final long[] recent = new long[BURST_EVENTS + 1];
    long last;
    LocalDate lastDay;
    int events;
    int depth;
    int searches;
    int searchesWithClick;
    int clicks;
    boolean searchOpenClicked;
    String openQuery;
    boolean converted;
    boolean burst;
    boolean endedByLogout;
    double conversionProbability = Double.NaN;
    String landingPage;
    String exitPage;

    Open(String id, Device device, long start, ZoneId zone) {
      this.id = id;
      this.device = device;
      this.start = start;
      this.zone = zone;
    }

    void add(SimEvent event, String eventCampaign) {
      if (event.kind() != SimEvent.Kind.ASSET && !interactiveSeen) {
        interactiveSeen = true;
        campaign = eventCampaign;
        channel = channel(event.referrer(), eventCampaign);
      }
      recent[events % recent.length] = event.ts();
      events++;
      if (events > BURST_EVENTS && event.ts() - recent[events % recent.length] <= BURST_WINDOW_MS) {
        burst = true;
      }
      last = event.ts();
      lastDay = LocalDate.ofInstant(Instant.ofEpochMilli(event.ts()), zone);
      endedByLogout = event.kind() == SimEvent.Kind.LOGOUT;
      if (event.kind().isPageview()) {
        depth++;
        String page = Urls.withoutTracking(event.url());
        if (landingPage == null) {
          landingPage = page;
        }
        exitPage = page;
      }
      switch (event.kind()) {
        case SEARCH -> {
          String query = Urls.queryParameter(event.path(), "q");
          if (!query.equals(openQuery) || Urls.queryParameter(event.path(), "page").isEmpty()) {
            closeSearch();
            searches++;
            openQuery = query;
          }
        }
        case CLICK -> {
          clicks++;
          if (openQuery != null) {
            searchOpenClicked = true;
          }
        }
        case CONVERSION -> converted = true;
        default -> {
        }
      }
    }

    private void closeSearch() {
      if (openQuery != null && searchOpenClicked) {
        searchesWithClick++;
      }
      openQuery = null;
      searchOpenClicked = false;
    }

    Session finish(String reason) {
      closeSearch();
      boolean engaged = last - start >= ENGAGED_MS || depth >= 2 || converted;
      return new Session(id, device.personId(), device.id(), start, last, reason, landingPage, exitPage, depth,
          events, depth == 1, engaged, searches, searchesWithClick, clicks, converted, conversionProbability,
          device.bot() || burst, campaign, LocalDate.ofInstant(Instant.ofEpochMilli(start), zone).toString(),
          channel);
    }
  }
}
