package io.trailcast.stream;

import io.trailcast.aggregate.sessions.Session;
import io.trailcast.aggregate.sessions.SessionEvent;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.aggregate.sessions.Sessionizer;
import io.trailcast.models.TrailFeatures;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The session rules on a stream, for one user and site: the batch {@link Sessionizer} replayed over
 * the buffered events each time new ones arrive or the watermark moves. Every event the stream
 * accepts has a time after the watermark, so:
 * <ul>
 *   <li>a session is <b>final</b> once the event that closed it is older than the watermark (no
 *       later arrival can fall inside it or before it), or, for the last session, once the
 *       watermark is past its logout or more than the gap past its last event ({@code timeout});
 *   <li>every other session is <b>live</b>: written as it stands, replaced when it changes, and
 *       deleted when a late event merges or moves it;
 *   <li>final sessions leave the buffer: it only ever holds what can still change.
 * </ul>
 * The sessions written equal the batch sessions of the same events with the end of data at the
 * watermark, whatever order the events arrived in within the watermark's delay.
 */
public final class LiveSessions implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SessionRules rules;
  private final List<String> funnel;
  private final int minPageviews;
  private transient List<Pattern> compiled;

  public LiveSessions(SessionRules rules, List<String> funnel, int minPageviews) {
    this.rules = rules;
    this.funnel = List.copyOf(funnel);
    this.minPageviews = minPageviews;
  }

  /** A moment to score: the trail of a session up to and including a new interactive event. */
  public record ScorePoint(Session session, TrailFeatures.Features features) {
  }

  /**
   * What one call produced: sessions now final, sessions live, live sessions that are gone (id →
   * start), the moments to score, and the event time at which the state must be looked at again
   * even without new events (for the watermark to make something final), or -1.
   */
  public record Result(List<Session> finals, List<Session> live, Map<String, Long> gone, List<ScorePoint> scores,
      long wakeAt) {
  }

  /**
   * Adds {@code incoming} (any order, duplicates possible) to {@code state} and replays the rules
   * with the watermark {@code watermark}: every event accepted has a time after it.
   */
  public Result advance(UserState state, String user, String site, List<LiveEvent> incoming, long watermark) {
    Set<String> fresh = new HashSet<>();
    for (LiveEvent e : incoming) {
      if (state.seen.putIfAbsent(e.event().eventId(), e.ts()) == null) {
        state.buffer.add(e);
        fresh.add(e.event().eventId());
        state.lastEventTs = Math.max(state.lastEventTs, e.ts());
      }
    }
    state.buffer.sort(Comparator.comparing(LiveEvent::event, SessionEvent.ORDER));

    List<Session> finals = new ArrayList<>();
    List<Session> live = new ArrayList<>();
    List<ScorePoint> scores = new ArrayList<>();
    Map<String, Long> nowLive = new LinkedHashMap<>();
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
      scores.addAll(scorePoints(closed, events, fresh, running));
      if (!closed.bot()) {
        addToHistory(running, closed, events);
      }
      if (isFinal) {
        finals.add(closed);
        if (!closed.bot()) {
          addToHistory(state, closed, events);
        }
        finalUpTo = i;
      } else {
        live.add(closed);
        nowLive.put(closed.sessionId(), closed.start());
      }
      sessionFrom = i;
    }

    Map<String, Long> gone = new LinkedHashMap<>(state.live);
    gone.keySet().removeAll(nowLive.keySet());
    for (Session s : finals) {
      gone.remove(s.sessionId());
    }
    state.live = nowLive;
    buffer.subList(0, finalUpTo).clear();
    // A copy of an event has its time: once older than the watermark, none can arrive any more.
    state.seen.values().removeIf(ts -> ts < watermark);
    return new Result(finals, live, gone, scores, wakeAt(state, watermark));
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

  /** Scores at the new interactive events of a human session, before its trail's cut, with enough pageviews. */
  private List<ScorePoint> scorePoints(Session session, List<LiveEvent> events, Set<String> fresh,
      UserState before) {
    if (session.bot()) {
      return List.of();
    }
    List<TrailFeatures.Event> trail = new ArrayList<>(events.size());
    for (LiveEvent e : events) {
      trail.add(e.forTrail());
    }
    int cut = TrailFeatures.cut(trail, patterns());
    List<ScorePoint> out = new ArrayList<>();
    TrailFeatures.History history = null;
    for (int j = 0; j < cut; j++) {
      LiveEvent e = events.get(j);
      if (!e.event().interactive() || !fresh.contains(e.event().eventId())) {
        continue;
      }
      history = history == null ? before.history(session.start()) : history;
      TrailFeatures.Features features = TrailFeatures.of(trail, j + 1, history);
      if (features.pageviews() >= minPageviews) {
        out.add(new ScorePoint(session, features));
      }
    }
    return out;
  }

  private static void addToHistory(UserState state, Session session, List<LiveEvent> events) {
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

  private List<Pattern> patterns() {
    if (compiled == null) {
      compiled = funnel.stream().map(Pattern::compile).toList();
    }
    return compiled;
  }
}
