package io.trailcast.aggregate.sessions;

/**
 * A session as {@code sessions_by_user} stores it.
 *
 * @param sessionId deterministic: the user id and the start, so a rerun writes the same row
 * @param endReason timeout, logout, midnight, campaign, max_duration, max_events or open
 * @param depth pageviews
 * @param bounced classic bounce: exactly one pageview
 * @param engaged lasts the engaged duration, or has two pageviews or more, or converts
 * @param bot flagged at ingest, or a burst
 * @param searchExit the last pageview was a search results page (the visitor left from a search)
 * @param day the date of the start in the site time zone
 * @param searchOutcomes every search of the session, in order: its query, result clicks, whether
 *     the session ended on its results
 * @param botRule the first rule that made it a bot session ({@link #FLAGGED} or {@link #BURST}), null for a
 *     human one; last, so that a streaming job's state saved before it (Java serialization, which matches a
 *     record's fields by name) reads back with null here ({@code SessionSerializationTest})
 * @param channel how the visit came (docs/definitions.md "Channel"): {@link Channels#ALL}; last for the same
 *     reason (an old state reads back with null)
 */
public record Session(String userId, String site, String sessionId, long start, long end, String endReason,
    String landingPage, String exitPage, int depth, int events, boolean bounced, boolean engaged, int searches,
    int searchesWithClick, int clicks, boolean converted, boolean bot, String campaign, boolean searchExit,
    java.time.LocalDate day, java.util.List<SearchOutcome> searchOutcomes, String botRule, String channel)
    implements java.io.Serializable {
  /** {@link #botRule} of a session with an event flagged as a bot at ingest (its user agent, the site's tokens). */
  public static final String FLAGGED = "flagged_at_ingest";
  /** {@link #botRule} of a session made a bot by a burst of events (docs/definitions.md, "Burst"). */
  public static final String BURST = "burst";

  /** One search submission (paging included) and what came of it. */
  public record SearchOutcome(String query, int clicks, boolean exit) implements java.io.Serializable {
  }

  public long durationMs() {
    return end - start;
  }
}
