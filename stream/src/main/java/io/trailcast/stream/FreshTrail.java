package io.trailcast.stream;

import io.trailcast.aggregate.sessions.Session;
import io.trailcast.aggregate.sessions.SessionEvent;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.aggregate.sessions.Sessionizer;
import io.trailcast.models.TrailFeatures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The session a stream is scoring now, rebuilt at request time from stored events ({@code serve}'s
 * fresh scores): the batch {@link Sessionizer} over one day's events of a user on one site, in the
 * sessions' order; its last session with that session's events as a trail reads them; and what the
 * stream knows of the user before that session: what was known before the day ({@link Prior}), plus
 * the day's earlier human sessions, added by the rule {@link LiveSessions} adds them with. With the
 * same events and prior, {@code scorer.trail(events, history)} of the result is the trail of the
 * newest score the stream writes for that session.
 */
public final class FreshTrail {
  private FreshTrail() {
  }

  /**
   * What is known of a user before a day, as the stream loads it from user_lifetime: sessions,
   * conversions, the end of the last session (epoch ms, -1 for none), pageviews per theme.
   */
  public record Prior(long sessions, long conversions, long previousEnd, Map<String, Long> themePageviews) {
    /** A user seen for the first time. */
    public static final Prior NONE = new Prior(0, 0, -1, Map.of());

    public Prior {
      themePageviews = Map.copyOf(themePageviews);
    }
  }

  /** The last session of a day's events, its events as a trail reads them, and the history before it. */
  public record Current(Session session, List<TrailFeatures.Event> events, TrailFeatures.History history) {
  }

  /**
   * The last session of {@code events} (one user and site, any order, no duplicate ids), closed at
   * {@code endOfData} (its end reason only: {@code open} while within the gap), or null without events.
   */
  public static Current of(SessionRules rules, String user, String site, List<LiveEvent> events, Prior prior,
      long endOfData) {
    if (events.isEmpty()) {
      return null;
    }
    List<LiveEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(LiveEvent::event, SessionEvent.ORDER));
    UserState known = new UserState();
    known.sessions = prior.sessions();
    known.conversions = prior.conversions();
    known.previousEnd = prior.previousEnd();
    known.themePageviews.putAll(prior.themePageviews());
    Sessionizer sessionizer = new Sessionizer(rules, user, site);
    int from = 0;
    for (int i = 0; i < sorted.size(); i++) {
      Session closed = sessionizer.accept(sorted.get(i).event());
      if (closed != null) {
        if (!closed.bot()) {
          LiveSessions.addToHistory(known, closed, sorted.subList(from, i));
        }
        from = i;
      }
    }
    Session last = sessionizer.finish(endOfData);
    List<TrailFeatures.Event> trail = new ArrayList<>(sorted.size() - from);
    for (LiveEvent e : sorted.subList(from, sorted.size())) {
      trail.add(e.forTrail());
    }
    return new Current(last, List.copyOf(trail), known.history(last.start()));
  }
}
