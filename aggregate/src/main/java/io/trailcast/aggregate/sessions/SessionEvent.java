package io.trailcast.aggregate.sessions;

import java.io.Serializable;

/**
 * What sessionization reads of an event (a projection of {@code events_by_user}).
 *
 * @param ts epoch ms
 * @param position where the event was logged ({@link #position(String, long)}): events of the
 *     same second keep the order of the log, where a page comes before the assets it loads
 * @param eventId breaks the remaining ties
 * @param url normalised URL (host/path?query)
 * @param action pageview, search, click, conversion, logout or other
 * @param interactive a request a person made (not an asset)
 * @param pageview whether it showed a page (interactive, 2xx/304, a page action)
 * @param campaign the event's campaign, or null
 * @param searchQuery the search query of a search, or null
 * @param bot flagged as a bot at ingest (user agent)
 * @param referrer the referrer URL as stored, or null: the first interactive event's tells the channel
 */
public record SessionEvent(long ts, String position, String eventId, String url, String action, boolean interactive,
    boolean pageview, String campaign, String searchQuery, boolean bot, String referrer) implements Serializable {

  /** Event-time order, then log order; never the order rows happen to arrive in. */
  public static final java.util.Comparator<SessionEvent> ORDER = java.util.Comparator
      .comparingLong(SessionEvent::ts)
      .thenComparing((SessionEvent e) -> e.position())
      .thenComparing((SessionEvent e) -> e.eventId());

  /** A sortable position: the source and the zero-padded line number. */
  public static String position(String source, long line) {
    return source + ":" + String.format("%012d", line);
  }
}
