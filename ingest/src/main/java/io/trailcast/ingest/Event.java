package io.trailcast.ingest;

import java.time.LocalDate;
import java.util.Map;

/**
 * One normalised event, as {@code events_by_user} stores it (column names in snake case).
 *
 * @param eventId deterministic id: hash of the raw line (logs) or of the identifying fields (JSON)
 * @param userId {@code c:}, {@code s:} or {@code h:} and the salted hash of the cookie, the session id, or
 *     the ip and user agent
 * @param day the date of {@code ts} in the site time zone (the partition)
 * @param ts epoch ms UTC
 * @param login salted hash of the normalised login, or null
 * @param emailHash the same hash when the login is an email, or null
 */
public record Event(String eventId, String userId, LocalDate day, long ts, String site, String url, String host,
    String path, String action, String referrer, String searchQuery, Map<String, String> tracking,
    String campaign, String ipHash, String userAgent, int status, boolean interactive, boolean bot,
    String botReason, String login, String emailHash, String source, long line) {

  /** Actions that show a page when answered 2xx or 304 (docs/definitions.md). */
  public static final java.util.Set<String> PAGE_ACTIONS = java.util.Set.of("pageview", "search", "click",
      "conversion");

  /** A page a person saw: interactive, answered 2xx/304, and a page action. */
  public boolean isPageview() {
    return isPageview(interactive, status, action);
  }

  /** The same rule over stored columns (events_by_user's interactive, status, action). */
  public static boolean isPageview(boolean interactive, int status, String action) {
    return interactive && EventBuilder.isPageStatus(status) && PAGE_ACTIONS.contains(action);
  }

  /** The rule as a Spark column over events_by_user rows: one implementation for every stage. */
  public static org.apache.spark.sql.Column pageviewColumn() {
    return org.apache.spark.sql.functions.udf(
        (org.apache.spark.sql.api.java.UDF3<Boolean, Integer, String, Boolean>) (interactive, status, action) ->
            interactive != null && status != null && isPageview(interactive, status, action),
        org.apache.spark.sql.types.DataTypes.BooleanType)
        .apply(org.apache.spark.sql.functions.col("interactive"), org.apache.spark.sql.functions.col("status"),
            org.apache.spark.sql.functions.col("action"));
  }
}
