package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * A user's newest stored conversion score ({@code conversion_scores}, partitioned by user and the
 * month of the session's day in the site time zone): the month partitions that can hold it, newest
 * first, a few read at once; the first row of the first non-empty one. What {@code score USER} and
 * {@code serve} answer.
 */
public final class ScoreStore {
  /** Months read back from the user's last activity. */
  static final int MONTHS_BACK = 12;
  private static final int AT_ONCE = 3;

  private final Cql cql;
  private final ZoneId zone;
  private final StreamWatermark watermark;
  private final PreparedStatement lastSeen;
  private final PreparedStatement newest;

  /** Prepares its statements on {@code session} (bound to the keyspace); reads time out after {@code timeout}. */
  public ScoreStore(CqlSession session, ZoneId zone, Duration timeout) {
    this(new Cql(session, timeout), zone, null);
  }

  ScoreStore(Cql cql, ZoneId zone, StreamWatermark watermark) {
    this.cql = cql;
    this.zone = zone;
    this.watermark = watermark == null ? new StreamWatermark(cql) : watermark;
    this.lastSeen = cql.prepare("SELECT last_seen FROM user_lifetime WHERE user_id = ?");
    this.newest = cql.prepare("SELECT scored_at, session_id, score, model_version, features_used "
        + "FROM conversion_scores WHERE user_id = ? AND month = ? LIMIT 1");
  }

  /** The newest score of {@code user}, batch or live, or empty. */
  public Optional<ServeData.UserScore> newest(String user) {
    YearMonth current = YearMonth.now(zone);
    CompletableFuture<AsyncResultSet> lifetime = cql.start(lastSeen, user);
    Map<YearMonth, CompletableFuture<AsyncResultSet>> reads = new HashMap<>();
    // The months the stream writes now, read while user_lifetime is.
    for (YearMonth month : List.of(current, current.minusMonths(1))) {
      reads.put(month, cql.start(newest, user, month.toString()));
    }
    Row life = Cql.await(lifetime).one();
    Instant seen = life == null || life.isNull(0) ? null : life.getInstant(0);
    List<YearMonth> months = months(current, seen == null ? null : YearMonth.from(seen.atZone(zone)),
        watermark.get().map(at -> YearMonth.from(at.atZone(zone))).orElse(null));
    for (int i = 0; i < months.size(); i++) {
      for (int j = i; j < Math.min(months.size(), i + AT_ONCE); j++) {
        YearMonth month = months.get(j);
        reads.computeIfAbsent(month, m -> cql.start(newest, user, m.toString()));
      }
      Row row = Cql.await(reads.get(months.get(i))).one();
      if (row != null) {
        return Optional.of(new ServeData.UserScore(user, row.getString(1), row.getInstant(0), row.getDouble(2),
            row.getString(3), row.isNull(4) ? List.of() : row.getList(4, String.class), false));
      }
    }
    return Optional.empty();
  }

  /**
   * The months that can hold a user's newest score, newest first: this month and the one before
   * (what the stream writes now), the stream watermark's month and the one before (a stream
   * replaying older days), and {@link #MONTHS_BACK} months back from the month of the user's last
   * activity the batch aggregated, or from this month when it has none.
   */
  static List<YearMonth> months(YearMonth current, YearMonth lastSeen, YearMonth watermark) {
    TreeSet<YearMonth> months = new TreeSet<>();
    months.add(current);
    months.add(current.minusMonths(1));
    if (watermark != null) {
      months.add(watermark);
      months.add(watermark.minusMonths(1));
    }
    YearMonth from = lastSeen == null ? current : lastSeen;
    for (int i = 0; i < MONTHS_BACK; i++) {
      months.add(from.minusMonths(i));
    }
    return new ArrayList<>(months.descendingSet());
  }
}
