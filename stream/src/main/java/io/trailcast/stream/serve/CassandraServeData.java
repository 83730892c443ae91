package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.models.TrailScorer;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link ServeData} from Cassandra: one session for the server's life (owned by the caller), every
 * statement prepared here once, reads asynchronous where several are needed at once.
 */
public final class CassandraServeData implements ServeData {
  /** How long one read may take on the request path before the request gets a 503. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
  /** How often an experiment's weights are recomputed from its stored arms, by default. */
  public static final Duration EXPERIMENT_REFRESH = Duration.ofSeconds(5);

  private final String keyspace;
  private final String site;
  private final Cql cql;
  private final ModelWatch models;
  private final ScoreStore scores;
  private final FreshScorer fresh;
  private final LandingBounces bounces;
  private final PreparedStatement alive;
  /** Null when the site runs no experiments. */
  private final ExperimentAssigner experiments;

  /**
   * Answers from {@code session} (bound to {@code keyspace}) for {@code siteConfig}'s site and time
   * zone, scoring fresh requests with {@code models}' current scorer.
   */
  public CassandraServeData(CqlSession session, String keyspace, SiteConfig siteConfig, ModelWatch models) {
    this(session, keyspace, siteConfig, models, null, EXPERIMENT_REFRESH);
  }

  /**
   * The same, also assigning visitors to the variants of the site's experiments (its config's experiments file):
   * their ids hashed with {@code salt} (null: no experiments served), each experiment's weights recomputed from its
   * stored arms at most every {@code refresh}.
   */
  public CassandraServeData(CqlSession session, String keyspace, SiteConfig siteConfig, ModelWatch models,
      String salt, Duration refresh) {
    this.keyspace = keyspace;
    this.site = siteConfig.site();
    this.cql = new Cql(session, READ_TIMEOUT);
    this.models = models;
    SessionRules rules = SessionRules.of(siteConfig);
    StreamWatermark watermark = new StreamWatermark(cql);
    this.scores = new ScoreStore(cql, rules.zone(), watermark);
    this.fresh = new FreshScorer(cql, rules, watermark);
    this.bounces = new LandingBounces(cql, rules.zone(), watermark);
    this.alive = cql.prepare("SELECT release_version FROM system.local");
    ExperimentDefinitions defined = ExperimentDefinitions.of(siteConfig);
    this.experiments = salt == null || defined.isEmpty() ? null
        : new ExperimentAssigner(session, keyspace, defined, salt, refresh);
  }

  @Override
  public Assignment variant(String experiment, String user) {
    if (experiments == null) {
      return ServeData.super.variant(experiment, user);
    }
    return experiments.assign(experiment, user);
  }

  @Override
  public Optional<UserScore> storedScore(String user) {
    return scores.newest(user);
  }

  @Override
  public UserScore freshScore(String user) {
    TrailScorer scorer = models.scorer();
    if (scorer == null) {
      throw ServeException.unavailable("no model to score with: " + models.problem());
    }
    return fresh.score(user, scorer);
  }

  @Override
  public Optional<LandingBounce> landingBounce(String siteName, String landingPage) {
    return bounces.of(siteName, landingPage);
  }

  @Override
  public String defaultSite() {
    return site;
  }

  @Override
  public Health health() {
    cql.one(alive);
    TrailScorer scorer = models.scorer();
    return new Health(keyspace, scorer == null ? null : scorer.version());
  }
}
