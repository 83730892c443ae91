package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.enrich.ThemeModels;
import io.trailcast.enrich.themes.ThemeAssigner;
import io.trailcast.enrich.themes.ThemeDefinitions;
import io.trailcast.enrich.vectors.WordVectors;
import io.trailcast.ingest.EventBuilder;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestSink;
import io.trailcast.ingest.Suppression;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.models.ModelRegistry;
import io.trailcast.models.TrailScorer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job: one Structured Streaming query ({@code live}) over one source, with its
 * checkpoint. Each micro-batch parses every message once ({@link LiveInput}: ingest's parsing,
 * identification, bot flags and dedup, written by ingest's sink into {@code events_by_user},
 * {@code event_days} and {@code quarantine}, late or not, so that the next batch run sees them all;
 * then the URLs' themes and the users' history looked up per partition), puts a watermark on
 * them and runs {@link LiveSessionsFunction} per user and site ({@code flatMapGroupsWithState},
 * event-time timeouts): sessions, the changes of the live metrics, and a conversion score at every
 * new interactive event. {@link LiveWriter} writes what it emits in one pass, then applies the
 * metrics' changes and the landing pages' recency-weighted bounce. Events older than the watermark
 * are counted, not sessionized.
 */
public final class StreamJob {
  private static final Logger LOG = LoggerFactory.getLogger(StreamJob.class);

  private StreamJob() {
  }

  /**
   * How to run.
   *
   * @param checkpoint the checkpoint folder (a path or URI Spark writes to; a shared one on a cluster)
   * @param availableNow process what the source holds, then stop
   * @param runFor stop after this long (null: until stopped, or the source is drained with availableNow)
   * @param trigger the micro-batch interval (zero: each batch as soon as the previous is done)
   * @param maxPerTrigger cap of a micro-batch in Kafka messages or files (0: none)
   * @param watermarkDelay how late an event may arrive and still be sessionized
   * @param modelEvery how often the newest conversion model is looked for
   * @param startingOffsets where a new checkpoint starts reading Kafka: earliest or latest
   * @param partitions shuffle and state partitions (0: Spark's default parallelism); a checkpoint
   *     keeps the number of its first run
   */
  public record Options(StreamSource source, InputFormat format, SiteConfig site, String salt, String checkpoint,
      boolean availableNow, Duration runFor, Duration trigger, long maxPerTrigger, Duration watermarkDelay,
      Duration modelEvery, String startingOffsets, int reservoirSize, Duration themeRefresh, int partitions) {
    public Options {
      if (watermarkDelay.isNegative() || trigger.isNegative() || modelEvery.isNegative()) {
        throw new UserException("durations must not be negative");
      }
      if (!List.of("earliest", "latest").contains(startingOffsets)) {
        throw new UserException("bad --starting-offsets '" + startingOffsets + "': use earliest or latest");
      }
      if (reservoirSize < 1) {
        throw new UserException("--reservoir must be positive");
      }
    }

    // The defaults, declared once: `stream`'s flags show them, a catch-up drain uses them.
    public static final String DEFAULT_TRIGGER = "250ms";
    public static final String DEFAULT_WATERMARK = "10m";
    public static final String DEFAULT_MODEL_EVERY = "10s";
    public static final String DEFAULT_STARTING_OFFSETS = "earliest";
    public static final String DEFAULT_RESERVOIR = "1000";
    /** How often themes of URLs not yet in url_themes are looked up again. */
    public static final Duration THEME_REFRESH = Duration.ofMinutes(10);

    /**
     * A drain of what {@code source} holds now, with the defaults (the daily pipeline's catch-up); a
     * site with a log format string reads its messages with it, as ingest and {@code stream} do.
     */
    public static Options drain(StreamSource source, SiteConfig site, String salt, String checkpoint) {
      return new Options(source, InputFormat.of("auto", site), site, salt, checkpoint, true, null,
          io.trailcast.core.Durations.parse(DEFAULT_TRIGGER, "--trigger"), 0,
          io.trailcast.core.Durations.parse(DEFAULT_WATERMARK, "--watermark"),
          io.trailcast.core.Durations.parse(DEFAULT_MODEL_EVERY, "--model-every"), DEFAULT_STARTING_OFFSETS,
          Integer.parseInt(DEFAULT_RESERVOIR), THEME_REFRESH, 0);
    }

    /** The same source, run live (not drained) for {@code runFor} at most, a micro-batch every {@code trigger}. */
    public Options live(Duration runFor, Duration trigger) {
      return new Options(source, format, site, salt, checkpoint, false, runFor, trigger, maxPerTrigger, watermarkDelay,
          modelEvery, startingOffsets, reservoirSize, themeRefresh, partitions);
    }

    /** The same run with at most {@code n} Kafka messages (or files) per micro-batch. */
    public Options withMaxPerTrigger(long n) {
      return new Options(source, format, site, salt, checkpoint, availableNow, runFor, trigger, n, watermarkDelay,
          modelEvery, startingOffsets, reservoirSize, themeRefresh, partitions);
    }
  }

  /** What a run did: its counts, the last watermark, the model that scored. */
  public record Result(Map<String, Long> counts, Instant watermark, String modelVersion) {
    public String line() {
      return String.format("%,d events written (%,d duplicates, %,d quarantined), %,d late events left to the batch "
          + "run; %,d final and %,d live session writes, %,d live sessions replaced; %,d scores (model %s); "
          + "watermark %s", counts.get("events_written"), counts.get("duplicates"), counts.get("quarantined"),
          counts.get("late_events"), counts.get("final_sessions"), counts.get("live_sessions"),
          counts.get("gone_sessions"), counts.get("scores"), modelVersion == null ? "none yet" : modelVersion,
          watermark == null ? "none yet" : watermark);
    }
  }

  /** How often the stream reads the list of forgotten persons' identifiers. */
  private static final long SUPPRESSION_EVERY_MS = 5_000;

  public static Result run(SparkSession spark, Store store, Options o) {
    // One stream per checkpoint, one checkpoint every executor sees: said before anything else is done.
    CheckpointLock.requireShared(spark.sparkContext().master(), o.checkpoint());
    CheckpointLock checkpoint = CheckpointLock.acquire(o.checkpoint());
    try (checkpoint) {
      CassandraTarget target = store.target();
      return JobRuns.record(store, "stream", List.of(o.source().describe()), null, null, (cql, run) -> {
        io.trailcast.ingest.Salts.requireSameSalt(cql, target.keyspace(), o.salt());
        LOG.info("stream run {} started: {} into {}, checkpoint {}", run.runId(), o.source().describe(),
            target.describe(), o.checkpoint());
        // A micro-batch is small: as many partitions as cores, not a batch job's many (the state's
        // partitions are fixed by the first run of a checkpoint). Put back after, for the jobs that follow.
        String partitions = spark.conf().get("spark.sql.shuffle.partitions");
        spark.conf().set("spark.sql.shuffle.partitions", o.partitions() > 0 ? o.partitions()
            : spark.sparkContext().defaultParallelism());
        try {
          Result result = stream(spark, cql, target, o);
          LOG.info("stream run {} done: {}", run.runId(), result.line());
          return result;
        } finally {
          spark.conf().set("spark.sql.shuffle.partitions", partitions);
        }
      }, Result::counts);
    }
  }

  private static Result stream(SparkSession spark, CqlSession cql, CassandraTarget target, Options o) {
    EventBuilder builder = new EventBuilder(o.site(), o.salt());
    Trigger trigger = o.availableNow() ? Trigger.AvailableNow() : Trigger.ProcessingTime(o.trigger().toMillis());

    IngestSink.Counters counters = IngestSink.Counters.create(spark.sparkContext(), "stream");
    IngestSink sink = new IngestSink(CassandraWriter.connector(spark), target.keyspace(),
        new IngestConfig(List.of(o.source().describe()), o.format(), o.site(), o.salt(), null, null, false),
        counters, Suppression.load(cql, target.keyspace()), IngestSink.readAggregatedDays(cql, target.keyspace()));
    LiveTimers timers = LiveTimers.create(spark.sparkContext());
    LiveSessionsFunction function = new LiveSessionsFunction(new LiveSessions(SessionRules.of(o.site())),
        CassandraWriter.connector(spark), target.keyspace(), Duration.ofDays(1).toMillis(), timers);
    refreshModel(cql, function);
    function.forget(sink.suppression());
    LiveWriter writer = new LiveWriter(spark, target, cql, new LandingRecency(target.keyspace(), o.reservoirSize()),
        timers, counters, o.site().zone(), io.trailcast.aggregate.experiments.ExperimentDefinitions.of(o.site()));
    Dataset<Row> rows = o.source().rows(spark, o.format(), builder, o.startingOffsets(), o.maxPerTrigger(),
        writer.seen);
    StatusListener status = new StatusListener(cql, o.source().describe(), target.keyspace(), timers,
        o.source().allowDataLoss() ? writer.offsets : null);
    spark.streams().addListener(status);
    Dataset<Row> plan = live(spark, cql, target, rows, sink, function, timers, o);
    ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trailcast-stream-background");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, o.modelEvery().toMillis());
    background.scheduleWithFixedDelay(() -> {
      try {
        refreshModel(cql, function);
      } catch (RuntimeException e) {
        LOG.warn("looking for a newer model failed (tried again at the next interval): {}", e.toString());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    // Forget requests reach the stream within seconds: its events and its state, from the next micro-batch.
    background.scheduleWithFixedDelay(() -> {
      try {
        Suppression now = Suppression.load(cql, target.keyspace());
        if (!now.identifiers().equals(sink.suppression().identifiers())) {
          sink.suppress(now);
          function.forget(now);
          LOG.info("stream: {} identifiers of forgotten persons now dropped", now.identifiers().size());
        }
        // Days aggregated since: their new events are late arrivals (ingest_days).
        sink.useAggregatedDays(IngestSink.readAggregatedDays(cql, target.keyspace()));
      } catch (RuntimeException e) {
        LOG.warn("reading suppressed_identifiers or aggregated_days failed (tried again shortly): {}", e.toString());
      }
    }, SUPPRESSION_EVERY_MS, SUPPRESSION_EVERY_MS, TimeUnit.MILLISECONDS);
    long deadline = o.runFor() == null ? Long.MAX_VALUE : System.currentTimeMillis() + o.runFor().toMillis();
    StreamingQuery live = null;
    try {
      // An outage of Kafka or Cassandra stops the query; it restarts from its checkpoint (nothing
      // lost or doubled) after a growing pause, until the source is drained or the time is up.
      for (int restarts = 0; ; ) {
        live = start(plan.writeStream().queryName("live")
            .option("checkpointLocation", o.checkpoint() + "/live")
            .trigger(trigger)
            .foreachBatch(writer));
        try {
          await(live, o, deadline);
          break;
        } catch (Outage outage) {
          restarts++;
          long pause = Math.min(60_000L, 1_000L << Math.min(restarts - 1, 6));
          LOG.warn("stream: {}; restarting from the checkpoint in {} s (restart {})", outage.getMessage(),
              pause / 1000, restarts);
          status.outage(outage.getMessage(), restarts);
          if (System.currentTimeMillis() + pause >= deadline) {
            throw new UserException("stream: stopped by an outage at the end of its run: " + outage.getMessage(),
                outage);
          }
          sleep(pause);
        }
      }
    } finally {
      background.shutdownNow();
      try {
        background.awaitTermination(5, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      spark.streams().removeListener(status);
    }
    status.record(live.lastProgress());

    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("events_read", counters.read().value());
    counts.put("events_written", counters.written().value());
    counts.put("duplicates", counters.duplicates().value());
    counts.put("quarantined", counters.quarantined().value());
    counts.put("suppressed", counters.suppressed().value());
    counts.put("bot_events", counters.bots().value());
    counts.put("late_events", status.lateEvents());
    Map<String, Long> written = writer.counts();
    counts.put("final_sessions", written.get("final"));
    counts.put("live_sessions", written.get("live"));
    counts.put("gone_sessions", written.get("gone"));
    counts.put("scores", written.get("scores"));
    TrailScorer used = function.model();
    return new Result(counts, status.watermark(), used == null ? null : used.version());
  }

  /**
   * The query's plan: parsed rows → events written and looked up ({@link LiveInput}) → the
   * watermark → the sessions' state per user and site.
   */
  private static Dataset<Row> live(SparkSession spark, CqlSession cql, CassandraTarget target, Dataset<Row> rows,
      IngestSink sink,
      LiveSessionsFunction function, LiveTimers timers, Options o) {
    // The vectors go to each executor once, not with every task.
    ThemeAssigner assigner = assigner(cql).orElse(null);
    ThemeLookup themes = new ThemeLookup(target.keyspace(), assigner == null ? null
        : spark.sparkContext().broadcast(assigner, scala.reflect.ClassTag$.MODULE$.apply(ThemeAssigner.class)),
        o.themeRefresh().toMillis());
    LiveInput input = new LiveInput(sink, themes, CassandraWriter.connector(spark), target.keyspace(), timers);
    Dataset<Row> events = rows.mapPartitions((MapPartitionsFunction<Row, Row>) input::apply,
        Encoders.row(LiveInput.SCHEMA));
    // A user's state stays a day of event time after their last event: the model's history of
    // them lives there; later they are read again from user_lifetime.
    return events.withWatermark("ts", o.watermarkDelay().toMillis() + " milliseconds")
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0) + "\u0001" + r.getString(1), Encoders.STRING())
        .flatMapGroupsWithState(function, OutputMode.Append(), Encoders.javaSerialization(UserState.class),
            Encoders.row(LiveSessionsFunction.OUTPUT), GroupStateTimeout.EventTimeTimeout());
  }

  private static StreamingQuery start(DataStreamWriter<Row> writer) {
    try {
      return writer.start();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("streaming query did not start: " + e.getMessage(), e);
    }
  }

  /** An outage the job rides out: Cassandra or Kafka unreachable or timing out. */
  static final class Outage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Outage(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static void await(StreamingQuery live, Options o, long deadline) {
    try {
      if (o.availableNow()) {
        live.awaitTermination();
        return;
      }
      while (live.isActive() && System.currentTimeMillis() < deadline) {
        live.awaitTermination(Math.min(1_000, Math.max(1, deadline - System.currentTimeMillis())));
      }
      live.stop();
      // A query that stopped on its own failed: say why.
      live.awaitTermination();
    } catch (StreamingQueryException e) {
      stopQuietly(live);
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
          throw new UserException("Kafka topic " + o.source().topic() + " does not exist at " + o.source().servers()
              + ": create it, or let a producer (bin/trailcast collect) create it first", e);
        }
        if (String.valueOf(cause.getMessage()).contains("failOnDataLoss")) {
          throw new UserException("Kafka data loss: offsets of topic " + o.source().topic() + " this checkpoint had "
              + "still to read are gone (retention passed them, or the topic was recreated); the events are lost. "
              + "Rerun with --allow-data-loss to skip them, or start a new --checkpoint", e);
        }
      }
      String outage = outage(e);
      if (outage != null) {
        throw new Outage(outage, e);
      }
      throw new IllegalStateException("streaming query failed: " + e.getMessage(), e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("streaming query did not stop: " + e.getMessage(), e);
    }
  }

  /** What made a failed query fail, in a line, when it is an outage to ride out; null otherwise. */
  static String outage(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof com.datastax.oss.driver.api.core.AllNodesFailedException
          || cause instanceof com.datastax.oss.driver.api.core.DriverTimeoutException
          || cause instanceof com.datastax.oss.driver.api.core.servererrors.QueryExecutionException
          || cause instanceof com.datastax.oss.driver.api.core.servererrors.OverloadedException) {
        return "Cassandra unreachable or overloaded (" + cause.getClass().getSimpleName() + ": "
            + firstLine(cause.getMessage()) + ")";
      }
      if (cause instanceof org.apache.kafka.common.errors.RetriableException
          || cause instanceof java.net.ConnectException) {
        return "Kafka unreachable (" + cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage()) + ")";
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message);
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("stream: interrupted while waiting to restart", e);
    }
  }

  private static void stopQuietly(StreamingQuery query) {
    try {
      query.stop();
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("query {} did not stop: {}", query.name(), e.toString());
    }
  }

  /**
   * Loads the newest conversion model when it is not the one in use (its scorer applies from the
   * next micro-batch on); none yet leaves trails unscored.
   */
  private static void refreshModel(CqlSession cql, LiveSessionsFunction function) {
    List<ModelRegistry.Recorded> recorded = ModelRegistry.models(cql);
    if (recorded.isEmpty()) {
      return;
    }
    ModelRegistry.Recorded newest = recorded.get(0);
    TrailScorer current = function.model();
    if (current == null || !current.version().equals(newest.version())) {
      function.useModel(TrailScorer.load(newest));
      LOG.info("scoring with conversion model {} (funnel {}, at least {} pageviews)", newest.version(),
          newest.funnel(), newest.minPageviews());
    }
  }

  /** The newest word2vec model's assigner, for URLs url_themes does not hold yet. */
  private static Optional<ThemeAssigner> assigner(CqlSession cql) {
    return ThemeModels.newest(cql).map(m -> new ThemeAssigner(ThemeDefinitions.defaults(),
        WordVectors.read(Path.of(m.path())), m.version(), m.tokenizer()));
  }

  /** Records each query's progress in stream_status: batch, watermark, late events, rates. */
  static final class StatusListener extends StreamingQueryListener {
    private final CqlSession cql;
    private final PreparedStatement write;
    private final PreparedStatement outage;
    private final String source;
    private final LiveTimers timers;
    private volatile Instant watermark;
    private long lateEvents;
    /** The newest micro-batch whose late events are counted: the run's end records its last progress again. */
    private long countedBatch = -1;
    private Map<String, Long> timersBefore = Map.of();
    /** With --allow-data-loss: what each batch read, to name the Kafka offsets it skipped. Else null. */
    private final KafkaOffsets.Tracker offsets;
    private final PreparedStatement loss;
    private long lostOffsets;

    StatusListener(CqlSession cql, String source, String keyspace, LiveTimers timers, KafkaOffsets.Tracker offsets) {
      this.cql = cql;
      this.source = source;
      this.timers = timers;
      this.offsets = offsets;
      this.loss = cql.prepare("UPDATE " + keyspace + ".stream_status SET lost_offsets = ?, last_loss = ?, "
          + "last_loss_at = ? WHERE query = 'live'");
      var before = cql.execute("SELECT lost_offsets FROM " + keyspace + ".stream_status WHERE query = 'live'").one();
      this.lostOffsets = before == null || before.isNull(0) ? 0 : before.getLong(0);
      this.write = cql.prepare("INSERT INTO " + keyspace + ".stream_status (query, source, batch_id, watermark, "
          + "rows_in, late_events, input_rate, processed_rate, batch_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
          + "?, ?)");
      this.outage = cql.prepare("UPDATE " + keyspace + ".stream_status SET last_error = ?, last_error_at = ?, "
          + "restarts = ? WHERE query = 'live'");
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      record(event.progress());
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }

    /** Kafka offsets the batch was planned to read but that were gone, recorded with where they were. */
    private void recordLoss(StreamingQueryProgress p) {
      if (offsets == null) {
        return;
      }
      List<KafkaOffsets.Seen> read = offsets.take(p.batchId());
      for (org.apache.spark.sql.streaming.SourceProgress s : p.sources()) {
        if (!s.description().startsWith("Kafka")) {
          continue;
        }
        KafkaOffsets.Loss lost = KafkaOffsets.lost(KafkaOffsets.parse(s.startOffset()),
            KafkaOffsets.parse(s.endOffset()), read);
        if (lost.offsets() > 0) {
          lostOffsets += lost.offsets();
          String what = "batch " + p.batchId() + ": " + lost.offsets() + " Kafka offsets gone before they were read ("
              + lost.where() + ")";
          LOG.warn("stream: {} (--allow-data-loss: skipped; {} in this stream so far)", what, lostOffsets);
          cql.execute(loss.bind(lostOffsets, what, Instant.now()));
        }
      }
    }

    /** Records an outage the job rides out (a failure to record it is only logged: Cassandra may be the one down). */
    synchronized void outage(String reason, int restarts) {
      try {
        cql.execute(outage.bind(reason, Instant.now(), (long) restarts));
      } catch (RuntimeException e) {
        LOG.warn("stream: cannot record the outage in stream_status: {}", e.toString());
      }
    }

    synchronized void record(StreamingQueryProgress p) {
      if (p == null) {
        return;
      }
      long late = 0;
      for (org.apache.spark.sql.streaming.StateOperatorProgress op : p.stateOperators()) {
        late += op.numRowsDroppedByWatermark();
      }
      String mark = p.eventTime().get("watermark");
      Instant at = mark == null ? null : Instant.parse(mark);
      // An idle trigger reports no batch (and the id of the next one); a batch's progress seen again counts nothing.
      boolean executed = p.durationMs().containsKey("addBatch");
      boolean seen = executed && p.batchId() <= countedBatch;
      if ("live".equals(p.name())) {
        if (executed && !seen) {
          lateEvents += late;
          countedBatch = p.batchId();
          recordLoss(p);
        }
        watermark = at == null ? watermark : at;
      }
      Long batchMs = p.durationMs().get("triggerExecution");
      Map<String, Long> timersNow = timers.millis();
      // Every micro-batch that ran (with data, or moved by the watermark alone), not idle triggers.
      if (executed && !seen) {
        LOG.info("{} batch {}: {} rows in {} ms, watermark {}{}; {}", p.name(), p.batchId(), p.numInputRows(), batchMs,
            mark, late > 0 ? ", " + late + " late" : "", breakdown(p.durationMs(), timersBefore, timersNow));
      }
      timersBefore = timersNow;
      cql.execute(write.bind(p.name(), source, p.batchId(), at, p.numInputRows(), "live".equals(p.name())
          ? lateEvents : 0L, finite(p.inputRowsPerSecond()), finite(p.processedRowsPerSecond()), batchMs,
          Instant.now()));
    }

    /**
     * Where a batch's time went: Spark's own phases (wall ms: offsets, planning, the write-ahead
     * log, the batch itself, the commit) and, inside the batch, task time summed over tasks (ms)
     * of the event writes, lookups, the state function, its scoring and the output writes.
     */
    static String breakdown(Map<String, Long> durations, Map<String, Long> before, Map<String, Long> now) {
      StringBuilder out = new StringBuilder();
      for (String phase : List.of("latestOffset", "queryPlanning", "walCommit", "addBatch", "commitOffsets")) {
        out.append(out.length() == 0 ? "" : " ").append(phase).append(' ').append(durations.getOrDefault(phase, 0L));
      }
      out.append(" | task ms:");
      now.forEach((part, ms) -> out.append(' ').append(part).append(' ').append(ms - before.getOrDefault(part, 0L)));
      return out.toString();
    }

    private static double finite(double x) {
      return Double.isFinite(x) ? x : 0;
    }

    Instant watermark() {
      return watermark;
    }

    synchronized long lateEvents() {
      return lateEvents;
    }
  }
}
