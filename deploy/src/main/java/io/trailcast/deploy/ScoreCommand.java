package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CqlSessions;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code trailcast score USER}: a user's current conversion score and what pushed it. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "The current conversion score of a user (the newest row of conversion_scores: one CQL query per "
        + "month partition, from the user's last activity back) and the three features that pushed it most.")
public final class ScoreCommand implements Callable<Integer> {
  private static final int MONTHS_BACK = 12;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Parameters(paramLabel = "USER", description = "The user id (as in events_by_user).")
  String user;

  @Override
  public Integer call() {
    try (CqlSession cql = CqlSessions.open(cluster.target())) {
      Row lifetime = cql.execute(SimpleStatement.newInstance("SELECT last_seen FROM user_lifetime WHERE user_id = ?",
          user)).one();
      YearMonth month = lifetime == null || lifetime.getInstant(0) == null ? YearMonth.now(ZoneOffset.UTC)
          : YearMonth.from(lifetime.getInstant(0).atZone(ZoneOffset.UTC));
      for (int i = 0; i < MONTHS_BACK; i++, month = month.minusMonths(1)) {
        Row row = cql.execute(SimpleStatement.newInstance("SELECT scored_at, session_id, score, model_version, "
            + "features_used FROM conversion_scores WHERE user_id = ? AND month = ? LIMIT 1", user,
            month.toString())).one();
        if (row != null) {
          PrintWriter out = spec.commandLine().getOut();
          Instant at = row.getInstant(0);
          out.printf(Locale.ROOT, "%s: %.3f at %s (session %s, model %s)%n", user, row.getDouble(2), at,
              row.getString(1), row.getString(3));
          for (String feature : row.getList(4, String.class)) {
            out.println("  " + feature);
          }
          return 0;
        }
      }
    }
    throw new UserException("no conversion score for " + user + " (bin/trailcast model score --from D)");
  }
}
