package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.UserException;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.stream.serve.ScoreStore;
import io.trailcast.stream.serve.ServeData;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code trailcast score USER}: a user's current conversion score and what pushed it. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "The current conversion score of a user (the newest row of conversion_scores, batch or live: "
        + "the month partitions of the site time zone from this month and the user's last activity back, a few "
        + "read at once; what serve's GET /v1/users/{user_id}/score answers) and the three features that pushed "
        + "it most.")
public final class ScoreCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Parameters(paramLabel = "USER", description = "The user id (as in events_by_user).")
  String user;

  @Mixin
  SiteOption siteConfig;

  @Override
  public Integer call() {
    SiteConfig site = siteConfig.load();
    try (Store store = cluster.store()) {
      CqlSession cql = store.cql();
      ServeData.UserScore score = new ScoreStore(cql, site.zone(), Duration.ofSeconds(30)).newest(user)
          .orElseThrow(() -> new UserException("no conversion score for " + user
              + " (bin/trailcast model score --from D)"));
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "%s: %.3f at %s (session %s, model %s)%n", user, score.score(), score.scoredAt(),
          score.sessionId(), score.modelVersion());
      for (String feature : score.topFeatures()) {
        out.println("  " + feature);
      }
      return 0;
    }
  }
}
