package io.trailcast.deploy;

import io.trailcast.core.Durations;
import io.trailcast.core.UserException;
import io.trailcast.ingest.SiteConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The session flags, declared once and taken by every command that cuts sessions (aggregate,
 * backfill, pipeline, stream): they override the site config's rules for the run, so a scheduled
 * run given the same flags cuts the same sessions.
 */
final class SessionOptions {
  @Option(names = "--session-gap", paramLabel = "DURATION",
      description = "Inactivity that ends a session, e.g. 30m, 10m, 1h (default: the site config's, 30m).")
  String gap;

  @Option(names = "--max-session-duration", paramLabel = "DURATION",
      description = "A session this long ends before its next event (default: the site config's, 12h).")
  String maxDuration;

  @Option(names = "--max-session-events", paramLabel = "N",
      description = "A session with this many events ends before its next one (default: the site config's, 2500).")
  Integer maxEvents;

  /** {@code site} with this run's session flags over its rules. */
  SiteConfig over(SiteConfig site) {
    if (maxEvents != null && maxEvents < 1) {
      throw new UserException("--max-session-events must be at least 1, not " + maxEvents);
    }
    return site.withSessions(positive(gap, "--session-gap"), positive(maxDuration, "--max-session-duration"),
        maxEvents);
  }

  private static Duration positive(String text, String flag) {
    if (text == null) {
      return null;
    }
    Duration duration = Durations.parse(text, flag);
    if (duration.isZero() || duration.isNegative()) {
      throw new UserException(flag + " must be positive, not " + text);
    }
    return duration;
  }
}
