package io.trailcast.stream;

import io.trailcast.aggregate.sessions.SessionEvent;
import io.trailcast.models.TrailFeatures;
import java.io.Serializable;

/** An event as the live sessions keep it: what sessionization reads, plus what a trail's features read. */
public record LiveEvent(SessionEvent event, String theme, String userAgent) implements Serializable {
  public long ts() {
    return event.ts();
  }

  TrailFeatures.Event forTrail() {
    return new TrailFeatures.Event(event.ts(), event.url(), event.action(), event.interactive(), event.pageview(),
        event.campaign(), theme, userAgent);
  }

  /** A themed pageview, counted as user_daily counts theme pageviews. */
  String themedPageview() {
    return event.pageview() && theme != null && !theme.equals("unknown") ? theme : null;
  }
}
