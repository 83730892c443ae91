package io.trailcast.stream;

import io.trailcast.aggregate.sessions.Session;
import io.trailcast.aggregate.sessions.SessionEvent;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.aggregate.sessions.Sessionizer;
import io.trailcast.models.TrailFeatures;
import io.trailcast.models.TrailScorer;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The session rules on a stream, for one user and site: the batch {@link Sessionizer} replayed over
 * the buffered events each time new ones arrive or the watermark moves. Every event the stream
 * accepts has a time after the watermark, so:
 * <ul>
 *   <li>a session is <b>final</b> once the event that closed it is older than the watermark (no
 *       later arrival can fall inside it or before it), or, for the last session, once the
 *       watermark is past its logout or more than the gap past its last event ({@code timeout});
 *   <li>every other session is <b>live</b>: written as it stands, written again only when it
 *       changes, and deleted when a late event merges or moves it;
 *   <li>final sessions leave the buffer: it only ever holds what can still change.
 * </ul>
 * The sessions written equal the batch sessions of the same events with the end of data at the
 * watermark, whatever order the events arrived in within the watermark's delay.
 */
public final class LiveSessions implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SessionRules rules;
  private transient TrailScorer.Rules compiledFor;
  private transient List<Pattern> compiled;

  public LiveSessions(SessionRules rules) {
    this.rules = rules;
  }

  /**
   * A moment to score: the trail of a session up to and including an interactive event, with
   * what was known of the user before the session.
   */
  public record ScorePoint(Session session, TrailFeatures.Features features) {
  }

  /**
   * What one call produced: sessions now final, sessions live, live sessions that are gone (id →
   * start), the moments to score, what the live metrics change by ({@link LiveCounts}: the changed
   * sessions' new counts less their old ones), and the event time at which the state must be
   * looked at again even without new events (for the watermark to make something final), or -1.
   */
  public record Result(List<Session> finals, List<Session> live, Map<String, Long> gone, List<ScorePoint> scores,
      Map<LiveCounts.Key, long[]> counts, long wakeAt) {
  }

  /**
   * Adds {@code incoming} (any order, duplicates possible) to {@code state} and replays the rules
   * with the watermark {@code watermark}: every event accepted has a time after it. With a model's
   * {@code scoring} rules (null: no model yet), every interactive event from the earliest new one
   * on is a moment to score: the new events, and the later ones whose trail a late event changed,
   * so that the score stored at an event is always the one of the trail as it now stands.
   */
  public Result advance(UserState state, String user, String site, List<LiveEvent> incoming, long watermark,
      TrailScorer.Rules scoring) {
    SessionEvent earliestFresh = null;
    for (LiveEvent e : incoming) {
      if (state.seen.putIfAbsent(e.event().eventId(), e.ts()) == null) {
        state.buffer.add(e);
        if (earliestFresh == null || SessionEvent.ORDER.compare(e.event(), earliestFresh) < 0) {
          earliestFresh = e.event();
        }
        state.lastEventTs = Math.max(state.lastEventTs, e.ts());
      }
    }
    state.buffer.sort(Comparator.comparing(LiveEvent::event, SessionEvent.ORDER));

    List<Session> finals = new ArrayList<>();
    List<Session> live = new ArrayList<>();
    List<ScorePoint> scores = new ArrayList<>();
    Map<String, Long> nowLive = new LinkedHashMap<>();
    Map<String, Session> nowCounted = new java.util.HashMap<>();
    Map<String, Session> counted = state.counted == null ? Map.of() : state.counted;
    Map<LiveCounts.Key, long[]> counts = new java.util.HashMap<>();
    UserState running = state.copyOfHistory();
    Sessionizer sessionizer = new Sessionizer(rules, user, site);
    int sessionFrom = 0;
    int finalUpTo = 0;
    List<LiveEvent> buffer = state.buffer;
    for (int i = 0; i <= buffer.size(); i++) {
      Session closed;
      boolean isFinal;
      if (i < buffer.size()) {
        closed = sessionizer.accept(buffer.get(i).event());
        isFinal = closed != null && buffer.get(i).ts() < watermark;
      } else {
        closed = buffer.isEmpty() ? null : sessionizer.finish(watermark);
        long last = buffer.isEmpty() ? 0 : buffer.get(buffer.size() - 1).ts();
        isFinal = closed != null && watermark > last && !closed.endReason().equals("open");
      }
      if (closed == null) {
        continue;
      }
      // Final sessions are a prefix: a session closed by an older event comes first.
      isFinal &= finalUpTo == sessionFrom;
      List<LiveEvent> events = buffer.subList(sessionFrom, i);
      if (scoring != null && earliestFresh != null) {
        scores.addAll(scorePoints(closed, events, earliestFresh, running, scoring));
      }
      if (!closed.bot()) {
        addToHistory(running, closed, events);
      }
      Session before = counted.get(closed.sessionId());
      boolean changed = !closed.equals(before);
      if (changed) {
        if (before != null) {
          LiveCounts.add(counts, before, -1, rules.zone());
        }
        LiveCounts.add(counts, closed, 1, rules.zone());
      }
      if (isFinal) {
        finals.add(closed);
        if (!closed.bot()) {
          addToHistory(state, closed, events);
        }
        finalUpTo = i;
      } else {
        // Written again only when it changed: a call woken by the watermark alone, or new events of
        // another session, leave it as it stands.
        if (changed) {
          live.add(closed);
        }
        nowLive.put(closed.sessionId(), closed.start());
        nowCounted.put(closed.sessionId(), closed);
      }
      sessionFrom = i;
    }

    Map<String, Long> gone = new LinkedHashMap<>(state.live);
    gone.keySet().removeAll(nowLive.keySet());
    for (Session s : finals) {
      gone.remove(s.sessionId());
    }
    for (String id : gone.keySet()) {
      Session before = counted.get(id);
      if (before != null) {
        LiveCounts.add(counts, before, -1, rules.zone());
      }
    }
    state.live = nowLive;
    state.counted = nowCounted;
    buffer.subList(0, finalUpTo).clear();
    // A copy of an event has its time: once older than the watermark, none can arrive any more.
    state.seen.values().removeIf(ts -> ts < watermark);
    return new Result(finals, live, gone, scores, counts, wakeAt(state, watermark));
  }

  /**
   * When the watermark next changes something: passing a buffered event (it may then close a
   * session for good), or the last event's logout or timeout.
   */
  private long wakeAt(UserState state, long watermark) {
    long wake = Long.MAX_VALUE;
    for (LiveEvent e : state.buffer) {
      if (e.ts() >= watermark) {
        wake = Math.min(wake, e.ts());
      }
    }
    if (!state.buffer.isEmpty()) {
      long last = state.buffer.get(state.buffer.size() - 1).ts();
      wake = Math.min(wake, last + rules.gap().toMillis());
    }
    return wake == Long.MAX_VALUE ? -1 : Math.max(wake, watermark);
  }

  /**
   * Moments to score in a human session: its interactive events from {@code from} on (in the
   * sessions' order), before its trail's cut, with the model's minimum pageviews.
   */
  private List<ScorePoint> scorePoints(Session session, List<LiveEvent> events, SessionEvent from,
      UserState before, TrailScorer.Rules scoring) {
    if (session.bot() || events.isEmpty()
        || SessionEvent.ORDER.compare(events.get(events.size() - 1).event(), from) < 0) {
      return List.of();
    }
    List<TrailFeatures.Event> trail = new ArrayList<>(events.size());
    for (LiveEvent e : events) {
      trail.add(e.forTrail());
    }
    int cut = TrailFeatures.cut(trail, patterns(scoring));
    List<ScorePoint> out = new ArrayList<>();
    TrailFeatures.History history = null;
    for (int j = 0; j < cut; j++) {
      LiveEvent e = events.get(j);
      if (!e.event().interactive() || SessionEvent.ORDER.compare(e.event(), from) < 0) {
        continue;
      }
      history = history == null ? before.history(session.start()) : history;
      TrailFeatures.Features features = scoring.atLeastMinimum(TrailFeatures.of(trail, j + 1, history));
      if (features != null) {
        out.add(new ScorePoint(session, features));
      }
    }
    return out;
  }

  /** Adds a human session to what the model knows of the user: the stream's rule, also fresh scoring's. */
  static void addToHistory(UserState state, Session session, List<LiveEvent> events) {
    state.previousEnd = session.end();
    state.sessions++;
    state.conversions += session.converted() ? 1 : 0;
    for (LiveEvent e : events) {
      String theme = e.themedPageview();
      if (theme != null) {
        state.themePageviews.merge(theme, 1L, Long::sum);
      }
    }
  }

  /** The day of an instant in the site time zone, as sessions carry it. */
  LocalDate day(long ts) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(ts), rules.zone());
  }

  private List<Pattern> patterns(TrailScorer.Rules scoring) {
    if (!scoring.equals(compiledFor)) {
      compiled = scoring.patterns();
      compiledFor = scoring;
    }
    return compiled;
  }
}
