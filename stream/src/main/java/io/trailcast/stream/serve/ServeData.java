package io.trailcast.stream.serve;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link ScoreServer} answers from: Cassandra in {@code serve} ({@link CassandraServeData}),
 * plain values in tests. A method may throw a {@link ServeException} (its status and reason are
 * the answer) or a driver exception (503 when Cassandra is down, else 500).
 */
public interface ServeData {
  /** The newest stored conversion score of a user, or empty when there is none. */
  Optional<UserScore> storedScore(String user);

  /**
   * A user's score computed now from the stored events of their current session; a
   * {@link ServeException} (404 or 503) says why there is none.
   */
  UserScore freshScore(String user);

  /** The live bounce figures of a landing page of a site, or empty when there is no figure at all. */
  Optional<LandingBounce> landingBounce(String site, String landingPage);

  /**
   * The variant of landing-page experiment {@code experiment} for the site's visitor {@code user}: the one
   * recorded for them, else one drawn from the current weights and recorded; a {@link ServeException} (404) when
   * there is no such experiment.
   */
  default Assignment variant(String experiment, String user) {
    throw ServeException.notFound("no experiment '" + experiment + "' (this server runs none)");
  }

  /** The site a request means when it names none. */
  String defaultSite();

  /** The store answers (a trivial query) and which model scores; throws when the store does not answer. */
  Health health();

  /**
   * A conversion score: the session scored, the moment scored (the last event of its trail), the
   * probability, the model and the three features that pushed it most ("name +0.123");
   * {@code fresh} when computed at request time.
   */
  record UserScore(String userId, String sessionId, Instant scoredAt, double score, String modelVersion,
      List<String> topFeatures, boolean fresh) {
    public UserScore {
      topFeatures = List.copyOf(topFeatures);
    }
  }

  /**
   * The live figures of a landing page: the hour and day windows (site time zone) holding
   * {@code asOf} (the stream's watermark, or the time of the request when the stream has none),
   * each null when the window has no row; the recency-weighted bounce, null when none.
   */
  record LandingBounce(String site, String landingPage, Instant asOf, boolean watermark, Window hour, Window day,
      Recency recency) {
  }

  /** One window's row of live_page_metrics; rates are null when undefined. */
  record Window(Instant start, long sessions, long bounces, Double bounceRate, long engagedSessions,
      Double engagedBounceRate, Double avgDepth, Instant updatedAt) {
  }

  /** landing_recency's row: the bounce rate of a biased reservoir of recent sessions. */
  record Recency(Double recencyBounceRate, long sessionsSeen, Instant lastSessionStart) {
  }

  /**
   * A visitor's variant: the visitor as stored (the salted hash of their id), the variant's id and URL (null when
   * the variant has since left the experiments file), when it was first given, the share it had then, and whether
   * this request gave it.
   */
  record Assignment(String experiment, String userId, String variant, String url, Instant assignedAt, double weight,
      boolean isNew) {
  }

  /** A healthy store: its keyspace and the version of the model that scores (null: none loaded). */
  record Health(String keyspace, String modelVersion) {
  }
}
