package io.trailcast.stream;

import io.trailcast.models.TrailFeatures;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the stream keeps per user and site between micro-batches: the events of every session that
 * a future event could still change (in {@link io.trailcast.aggregate.sessions.SessionEvent#ORDER}),
 * the ids of events that could still come again, the sessions written as live and not final yet,
 * and what the conversion model knows of the user's earlier sessions.
 */
public final class UserState implements Serializable {
  private static final long serialVersionUID = 1L;

  final List<LiveEvent> buffer = new ArrayList<>();
  /** Event id → event time, for the events a duplicate could still arrive for. */
  final Map<String, Long> seen = new HashMap<>();
  /** Session id → start, of the sessions written as live (not final) at the last call. */
  Map<String, Long> live = new LinkedHashMap<>();
  /**
   * Session id → the version last written and counted in the live metrics, of those live sessions
   * (null in state from before it was kept: those sessions are then written and counted again).
   */
  Map<String, io.trailcast.aggregate.sessions.Session> counted = new HashMap<>();
  boolean historyLoaded;
  long previousEnd = -1;
  long sessions;
  long conversions;
  Map<String, Long> themePageviews = new HashMap<>();
  long lastEventTs = -1;

  /** What the model knows before a session starting at {@code start}. */
  TrailFeatures.History history(long start) {
    double days = previousEnd < 0 ? 30 : (start - previousEnd) / 86_400_000.0;
    return new TrailFeatures.History(days, sessions, conversions, Map.copyOf(themePageviews));
  }

  UserState copyOfHistory() {
    UserState copy = new UserState();
    copy.previousEnd = previousEnd;
    copy.sessions = sessions;
    copy.conversions = conversions;
    copy.themePageviews = new HashMap<>(themePageviews);
    return copy;
  }
}
