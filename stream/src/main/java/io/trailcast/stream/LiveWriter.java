package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.trailcast.aggregate.Sessions;
import io.trailcast.aggregate.experiments.ExperimentArms;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.aggregate.experiments.ExperimentRewards;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.models.ModelJob;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
 * the scores the function computed into {@code conversion_scores}, and sums the changes of the
 * live metrics; then, on the driver, those changes go to {@link LiveMetrics} and final sessions to
 * {@link LandingRecency}. Every write is an upsert or a delete by key, and the driver's updates
 * record their micro-batch: a micro-batch replayed after a crash writes the same rows again.
 */
final class LiveWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  /** sessions_by_user's columns: a session row's, but its searches and bot rule. */
  private static final String[] SESSION_COLUMNS = Sessions.tableColumns();
  private static final String[] SESSION_KEY = {"user_id", "month", "session_start", "session_id"};
  private static final String[] SCORE_COLUMNS = ModelJob.SCORES.fieldNames();

  /**
   * What the runs of this writer did, summed on the driver; {@code counts} and {@code entries} are
   * the micro-batch's changes of the live metrics (summed per task) and its final sessions for the
   * landing pages' reservoirs.
   */
  record Counters(LongAccumulator finals, LongAccumulator live, LongAccumulator gone, LongAccumulator scores,
      CollectionAccumulator<LiveCounts.Delta> counts, CollectionAccumulator<LandingRecency.Entry> entries)
      implements Serializable {
  }

  /** The driver's session (foreachBatch runs on the driver). */
  private final transient CqlSession cql;
  private final LandingRecency recency;
  private final LiveMetrics metrics;
  /** The site's landing-page experiments: what the final sessions earned their variants (experiment_arms). */
  private final ExperimentDefinitions experiments;
  private final String keyspace;
  private final TableWriter tables;
  final Counters counters;

  /** The sink's lines per source: reset at each micro-batch, which must account for every line it read. */
  private final io.trailcast.ingest.LineAccounts lines;
  /** The sink's lines per day and arrival delays: reset at each micro-batch, added to ingest_days after it. */
  private final io.trailcast.ingest.DayAccounts days;
  private final io.trailcast.ingest.ArrivalDelays delays;
  /** The site's time zone: the day of a line no event dated (ingest_days). */
  private final java.time.ZoneId zone;
  /** The Kafka offsets each task read, kept per micro-batch for its progress to compare with the plan. */
  final org.apache.spark.util.CollectionAccumulator<KafkaOffsets.Seen> seen;
  final KafkaOffsets.Tracker offsets = new KafkaOffsets.Tracker();

  LiveWriter(SparkSession spark, CassandraTarget target, CqlSession cql, LandingRecency recency, LiveTimers timers,
      io.trailcast.ingest.IngestSink.Counters sink, java.time.ZoneId zone, ExperimentDefinitions experiments) {
    this.cql = cql;
    this.experiments = experiments;
    this.keyspace = target.keyspace();
    this.lines = sink.lines();
    this.days = sink.days();
    this.delays = sink.delays();
    this.zone = zone;
    this.seen = spark.sparkContext().collectionAccumulator("kafka offsets seen");
    this.recency = recency;
    this.metrics = new LiveMetrics(target.keyspace());
    this.counters = new Counters(spark.sparkContext().longAccumulator("live final sessions"),
        spark.sparkContext().longAccumulator("live sessions"), spark.sparkContext().longAccumulator("gone sessions"),
        spark.sparkContext().longAccumulator("scores"), spark.sparkContext().collectionAccumulator("metric changes"),
        spark.sparkContext().collectionAccumulator("final sessions"));
    this.tables = new TableWriter(CassandraWriter.connector(spark), target.keyspace(), counters, timers);
  }

  /**
   * One Spark action per micro-batch: the write pass; what the driver then needs (the metrics'
   * changes, final sessions for the reservoirs) comes back in accumulators, which count each task once.
   */
  @Override
  public void call(Dataset<Row> out, Long batchId) {
    counters.counts().reset();
    counters.entries().reset();
    lines.reset();
    days.reset();
    delays.reset();
    seen.reset();
    out.foreachPartition((ForeachPartitionFunction<Row>) tables::write);
    offsets.saw(batchId, seen.value());
    long[] read = io.trailcast.ingest.LineAccounts.total(lines.value());
    long missing = io.trailcast.ingest.LineAccounts.unaccounted(read);
    if (missing != 0) {
      // Not an outage: restarting would not bring the lines back. The run stops and says so.
      throw new IllegalStateException("micro-batch " + batchId + ": counts do not add up: "
          + io.trailcast.ingest.LineAccounts.describe("its sources", read) + ": " + Math.abs(missing)
          + (missing > 0 ? " unaccounted" : " too many"));
    }
    // The query's id, kept by its checkpoint: what the driver's updates record with the batch id.
    String queryId = out.sparkSession().sparkContext().getLocalProperty("sql.streaming.queryId");
    if (queryId == null) {
      throw new IllegalStateException("live writer called outside a streaming query");
    }
    metrics.apply(cql, LiveMetrics.merge(counters.counts().value()), queryId, batchId);
    List<LandingRecency.Entry> finals = counters.entries().value();
    recency.update(cql, finals, queryId, batchId);
    if (!experiments.isEmpty()) {
      Map<ExperimentRewards.Key, long[]> earned = new HashMap<>();
      for (LandingRecency.Entry e : finals) {
        // Entries are final human sessions with a pageview, as the rule asks.
        ExperimentRewards.add(earned, experiments.experiments(), e.day(), e.landingPage(), 1, false, e.bounced(),
            e.engaged(), e.converted(), 1);
      }
      ExperimentArms.applyLive(cql, keyspace, earned, queryId, batchId);
    }
    // What the micro-batch made of its lines, per day, for quality: as a batch ingest records it.
    Map<io.trailcast.ingest.DayAccounts.Key, Long> perDay = io.trailcast.ingest.IngestDays.perPartition(days.value(),
        Long::sum);
    io.trailcast.ingest.IngestDays.addBatch(cql, io.trailcast.ingest.IngestDays.rows(perDay, null, null,
        java.time.LocalDate.now(zone)), io.trailcast.ingest.IngestDays.perPartition(delays.value(), (a, b) ->
            io.trailcast.ingest.ArrivalDelays.merged(List.of(a, b)).toByteArray()), queryId, batchId,
        java.time.Instant.now());
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
      Map<LiveCounts.Key, long[]> changes = new HashMap<>();
      long finals = 0;
      long live = 0;
      long gone = 0;
      long scores = 0;
      try (CqlSession session = connector.openSession()) {
        CassandraWriter.TableSink sessions = new CassandraWriter.TableSink(session, keyspace, "sessions_by_user",
            SESSION_COLUMNS);
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
          if (kind.equals("counts")) {
            addCounts(changes, r.getStruct(3));
            continue;
          }
          Row s = r.getStruct(1);
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
        }
        // A gone session is never one written above: the same call found it no more.
        CassandraWriter.TableSink deleteSessions = CassandraWriter.TableSink.deleting(session, keyspace,
            "sessions_by_user", SESSION_KEY);
        for (Row s : goneRows) {
          deleteSessions.add(values(s, SESSION_KEY), values(s, new String[] {"user_id", "month"}));
        }
        sessions.finish();
        scored.finish();
        deleteSessions.finish();
      }
      timers.writes().add((System.nanoTime() - started) / 1000);
      counters.finals().add(finals);
      counters.live().add(live);
      counters.gone().add(gone);
      counters.scores().add(scores);
      changes.forEach((key, counts) -> counters.counts().add(new LiveCounts.Delta(key, counts)));
    }

    private static void addCounts(Map<LiveCounts.Key, long[]> into, Row c) {
      List<Long> counts = c.getList(5);
      long[] values = new long[counts.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = counts.get(i);
      }
      LiveCounts.merge(into, new LiveCounts.Key(LiveCounts.Table.valueOf(c.getString(0)), c.getString(1),
          c.getString(2), c.getLong(3), c.getString(4)), values, 1);
    }

    /** A final human session with a pageview enters its landing page's reservoir, as in bounce rates. */
    private void reservoirEntry(Row s) {
      String page = s.getString(s.fieldIndex("landing_page"));
      if (page != null && !s.getBoolean(s.fieldIndex("bot")) && s.getInt(s.fieldIndex("depth")) >= 1) {
        counters.entries().add(new LandingRecency.Entry(s.getString(s.fieldIndex("site")), page,
            s.getString(s.fieldIndex("session_id")), s.getTimestamp(s.fieldIndex("session_start")).toInstant(),
            s.getBoolean(s.fieldIndex("bounced")), s.getBoolean(s.fieldIndex("engaged")),
            s.getBoolean(s.fieldIndex("converted")), s.getDate(s.fieldIndex("day")).toLocalDate()));
      }
    }

    private static Object[] values(Row s, String[] columns) {
      Object[] values = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        values[i] = s.get(s.fieldIndex(columns[i]));
      }
      return values;
    }
  }

  /** The counts so far, by kind. */
  Map<String, Long> counts() {
    return Map.of("final", counters.finals().value(), "live", counters.live().value(), "gone",
        counters.gone().value(), "scores", counters.scores().value());
  }
}
