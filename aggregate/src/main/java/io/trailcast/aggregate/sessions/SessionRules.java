package io.trailcast.aggregate.sessions;

import io.trailcast.ingest.SiteConfig;
import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The session rules of DESIGN.md with their defaults; every one can be changed per site or run.
 *
 * @param gap inactivity after which the next event starts a new session (strictly more than it)
 * @param maxDuration a session reaching it ends before the next event ({@code max_duration})
 * @param maxEvents a session holding this many events ends before the next one ({@code max_events})
 * @param burstEvents more events than this ...
 * @param burstWindow ... within this window (inclusive) mark the session as a bot burst
 * @param engagedDuration a session lasting this long is engaged
 * @param zone the site time zone, whose midnight splits sessions
 * @param channels what tells a session's channel from its first request (the site's hosts and referrer lists)
 */
public record SessionRules(Duration gap, Duration maxDuration, int maxEvents, int burstEvents, Duration burstWindow,
    Duration engagedDuration, ZoneId zone, Channels channels) implements Serializable {

  /** The rules a site's config sets (its {@code sessions} block and time zone). */
  public static SessionRules of(SiteConfig site) {
    return new SessionRules(site.sessionGap(), site.maxSessionDuration(), site.maxSessionEvents(), site.burstEvents(),
        site.burstWindow(), site.engagedDuration(), site.zone(), Channels.of(site));
  }

  public static SessionRules defaults(ZoneId zone) {
    return new SessionRules(Duration.ofMinutes(30), Duration.ofHours(12), 2_500, 100, Duration.ofSeconds(100),
        Duration.ofSeconds(10), zone, Channels.of(SiteConfig.defaults()));
  }

  public SessionRules {
    if (gap.isNegative() || gap.isZero() || maxDuration.isNegative() || maxDuration.isZero() || maxEvents < 1
        || burstEvents < 1 || engagedDuration.isNegative()) {
      throw new IllegalArgumentException("session rules need positive durations and counts");
    }
  }
}
