package io.trailcast.ingest.parse;

/**
 * The fields of one raw log line or JSON event, before normalisation; or why it could not be parsed.
 * Absent fields are null; "-" in a log is absent.
 *
 * @param ts event time, epoch ms UTC
 * @param client client address as logged (IP or host name), after resolving X-Forwarded-For chains
 * @param login the authenticated user field (%u, cs-username) or JSON email
 * @param method HTTP method
 * @param target request target: a path with query, or an absolute URL
 * @param status HTTP status (200 when a JSON event has none)
 * @param bytes response size, or null
 * @param referrer the Referer header
 * @param userAgent the User-Agent header; null when the format has none (common), "" when logged as "-"
 * @param vhost the virtual host the log names (vhost_combined, cs-host), or null
 * @param user an explicit user or cookie id (JSON), or null
 * @param action an explicit action (JSON), or null
 * @param query an explicit search query (JSON), or null
 * @param site an explicit site (JSON), or null
 * @param rejectReason null for a good line, else why it is quarantined
 */
public record ParsedLine(long ts, String client, String login, String method, String target, int status,
    Long bytes, String referrer, String userAgent, String vhost, String user, String action, String query,
    String site, String rejectReason) {

  public static ParsedLine reject(String reason) {
    return new ParsedLine(0, null, null, null, null, 0, null, null, null, null, null, null, null, null, reason);
  }

  public boolean isRejected() {
    return rejectReason != null;
  }
}
