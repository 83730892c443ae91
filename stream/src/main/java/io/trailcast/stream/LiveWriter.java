package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.trailcast.aggregate.Sessions;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.models.ModelJob;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Writes one micro-batch of {@link LiveSessionsFunction}'s output. One pass over it deletes the
 * live sessions that are gone, upserts final and live sessions into {@code sessions_by_user} and
 * {@code live_sessions_by_day} and the scores the function computed into
 * {@code conversion_scores}; then their days are marked for {@link LiveMetrics} and final sessions
 * go to {@link LandingRecency}. Every write is an upsert or a delete by key: a micro-batch replayed
 * after a crash writes the same rows again.
 */
final class LiveWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  /** sessions_by_user's columns: a session row's, but its searches. */
  private static final String[] SESSION_COLUMNS = java.util.Arrays.stream(Sessions.SCHEMA.fieldNames())
      .filter(name -> !name.equals("search_outcomes")).toArray(String[]::new);
  private static final String[] SESSION_KEY = {"user_id", "month", "session_start", "session_id"};
  private static final String[] DAY_COLUMNS = {"site", "day", "session_id", "user_id", "session_start",
      "landing_page", "depth", "bounced", "engaged", "searches", "searches_with_click", "clicks", "converted", "bot",
      "search_exit", "duration_ms", "search_queries", "search_clicks", "search_exits"};
  private static final String[] DAY_KEY = {"site", "day", "session_id"};
  private static final String[] SCORE_COLUMNS = ModelJob.SCORES.fieldNames();

  /**
   * What the runs of this writer did, summed on the driver; {@code days} and {@code entries} are
   * the micro-batch's changed days and its final sessions for the landing pages' reservoirs.
   */
  record Counters(LongAccumulator finals, LongAccumulator live, LongAccumulator gone, LongAccumulator scores,
      CollectionAccumulator<String> days, CollectionAccumulator<LandingRecency.Entry> entries)
      implements Serializable {
  }

  /** The driver's session (foreachBatch runs on the driver). */
  private final transient CqlSession cql;
  private final LandingRecency recency;
  private final TableWriter tables;
  final Counters counters;

  LiveWriter(SparkSession spark, CassandraTarget target, CqlSession cql, LandingRecency recency, LiveTimers timers) {
    this.cql = cql;
    this.recency = recency;
    this.counters = new Counters(spark.sparkContext().longAccumulator("live final sessions"),
        spark.sparkContext().longAccumulator("live sessions"), spark.sparkContext().longAccumulator("gone sessions"),
        spark.sparkContext().longAccumulator("scores"), spark.sparkContext().collectionAccumulator("days"),
        spark.sparkContext().collectionAccumulator("final sessions"));
    this.tables = new TableWriter(CassandraWriter.connector(spark), target.keyspace(), counters, timers);
  }

  /**
   * One Spark action per micro-batch: the write pass; what the driver then needs (changed days,
   * final sessions for the reservoirs) comes back in accumulators, which count each task once.
   */
  @Override
  public void call(Dataset<Row> out, Long batchId) {
    counters.days().reset();
    counters.entries().reset();
    out.foreachPartition((ForeachPartitionFunction<Row>) tables::write);
    markDays(new HashSet<>(counters.days().value()));
    recency.update(cql, counters.entries().value(), batchId);
  }

  private void markDays(Set<String> days) {
    if (days.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    PreparedStatement mark = cql.prepare("UPDATE live_days SET changed_at = ? WHERE site = ? AND day = ?");
    for (String day : days) {
      int split = day.indexOf('\u0001');
      cql.execute(mark.bind(now, day.substring(0, split), java.time.LocalDate.parse(day.substring(split + 1))));
    }
  }

  /** The executor side: one partition's output into the session tables. */
  static final class TableWriter implements Serializable {
    private static final long serialVersionUID = 1L;
    private final CassandraConnector connector;
    private final String keyspace;
    private final Counters counters;
    private final LiveTimers timers;

    TableWriter(CassandraConnector connector, String keyspace, Counters counters, LiveTimers timers) {
      this.connector = connector;
      this.keyspace = keyspace;
      this.counters = counters;
      this.timers = timers;
    }

    void write(Iterator<Row> rows) throws InterruptedException {
      if (!rows.hasNext()) {
        return;
      }
      long started = System.nanoTime();
      Set<String> days = new HashSet<>();
      long finals = 0;
      long live = 0;
      long gone = 0;
      long scores = 0;
      try (CqlSession session = connector.openSession()) {
        CassandraWriter.TableSink sessions = new CassandraWriter.TableSink(session, keyspace, "sessions_by_user",
            SESSION_COLUMNS);
        CassandraWriter.TableSink byDay = new CassandraWriter.TableSink(session, keyspace, "live_sessions_by_day",
            DAY_COLUMNS);
        CassandraWriter.TableSink scored = new CassandraWriter.TableSink(session, keyspace, "conversion_scores",
            SCORE_COLUMNS);
        List<Row> goneRows = new ArrayList<>();
        while (rows.hasNext()) {
          Row r = rows.next();
          String kind = r.getString(0);
          if (kind.equals("score")) {
            scores++;
            Row score = r.getStruct(2);
            scored.add(values(score, SCORE_COLUMNS), values(score, new String[] {"user_id", "month"}));
            continue;
          }
          Row s = r.getStruct(1);
          days.add(s.getString(s.fieldIndex("site")) + "\u0001" + s.getDate(s.fieldIndex("day")));
          if (kind.equals("gone")) {
            gone++;
            goneRows.add(s);
            continue;
          }
          if (kind.equals("final")) {
            finals++;
            reservoirEntry(s);
          }
          live += kind.equals("live") ? 1 : 0;
          sessions.add(values(s, SESSION_COLUMNS), values(s, new String[] {"user_id", "month"}));
          byDay.add(dayValues(s), values(s, new String[] {"site", "day"}));
        }
        // A gone session is never one written above: the same call found it no more.
        CassandraWriter.TableSink deleteSessions = CassandraWriter.TableSink.deleting(session, keyspace,
            "sessions_by_user", SESSION_KEY);
        CassandraWriter.TableSink deleteByDay = CassandraWriter.TableSink.deleting(session, keyspace,
            "live_sessions_by_day", DAY_KEY);
        for (Row s : goneRows) {
          deleteSessions.add(values(s, SESSION_KEY), values(s, new String[] {"user_id", "month"}));
          deleteByDay.add(values(s, DAY_KEY), values(s, new String[] {"site", "day"}));
        }
        sessions.finish();
        byDay.finish();
        scored.finish();
        deleteSessions.finish();
        deleteByDay.finish();
      }
      timers.writes().add((System.nanoTime() - started) / 1000);
      counters.finals().add(finals);
      counters.live().add(live);
      counters.gone().add(gone);
      counters.scores().add(scores);
      days.forEach(counters.days()::add);
    }

    /** A final human session with a pageview enters its landing page's reservoir, as in bounce rates. */
    private void reservoirEntry(Row s) {
      String page = s.getString(s.fieldIndex("landing_page"));
      if (page != null && !s.getBoolean(s.fieldIndex("bot")) && s.getInt(s.fieldIndex("depth")) >= 1) {
        counters.entries().add(new LandingRecency.Entry(s.getString(s.fieldIndex("site")), page,
            s.getString(s.fieldIndex("session_id")), s.getTimestamp(s.fieldIndex("session_start")).toInstant(),
            s.getBoolean(s.fieldIndex("bounced"))));
      }
    }

    private static Object[] values(Row s, String[] columns) {
      Object[] values = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        values[i] = s.get(s.fieldIndex(columns[i]));
      }
      return values;
    }

    /** live_sessions_by_day's row: the session's metric inputs, its searches as three lists. */
    private static Object[] dayValues(Row s) {
      Object[] values = values(s, java.util.Arrays.copyOf(DAY_COLUMNS, DAY_COLUMNS.length - 3));
      Object[] all = java.util.Arrays.copyOf(values, DAY_COLUMNS.length);
      List<String> queries = new ArrayList<>();
      List<Integer> clicks = new ArrayList<>();
      List<Boolean> exits = new ArrayList<>();
      for (Row outcome : s.<Row>getList(s.fieldIndex("search_outcomes"))) {
        queries.add(outcome.getString(0));
        clicks.add(outcome.getInt(1));
        exits.add(outcome.getBoolean(2));
      }
      // Empty lists stay unset: no collection tombstone per session.
      all[DAY_COLUMNS.length - 3] = queries.isEmpty() ? null : queries;
      all[DAY_COLUMNS.length - 2] = clicks.isEmpty() ? null : clicks;
      all[DAY_COLUMNS.length - 1] = exits.isEmpty() ? null : exits;
      return all;
    }
  }

  /** The counts so far, by kind. */
  Map<String, Long> counts() {
    return Map.of("final", counters.finals().value(), "live", counters.live().value(), "gone",
        counters.gone().value(), "scores", counters.scores().value());
  }
}
