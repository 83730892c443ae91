package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.trailcast.aggregate.Sessions;
import io.trailcast.aggregate.sessions.Session;
import io.trailcast.models.ModelJob;
import io.trailcast.models.TrailScorer;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link LiveSessions} driven by {@code flatMapGroupsWithState} per user and site, with event-time
 * timeouts: called when events arrive and when the watermark passes the moment the state asked to
 * be looked at again. Emits final and live sessions, live sessions that are gone, and trails to score.
 */
public final class LiveSessionsFunction implements FlatMapGroupsWithStateFunction<String, Row, UserState, Row> {
  private static final long serialVersionUID = 1L;

  /** The input columns: the session columns of events_by_user, then user agent, pageview and theme. */
  public static final String[] INPUT_COLUMNS;
  private static final int USER_AGENT = Sessions.EVENT_COLUMNS.length;
  private static final int THEME = USER_AGENT + 2;

  static {
    INPUT_COLUMNS = java.util.Arrays.copyOf(Sessions.EVENT_COLUMNS, Sessions.EVENT_COLUMNS.length + 2);
    INPUT_COLUMNS[USER_AGENT] = "user_agent";
    INPUT_COLUMNS[USER_AGENT + 1] = "pageview";
  }

  /** A change of the live metrics ({@link LiveCounts.Delta}). */
  static final StructType COUNTS = new StructType()
      .add("table", DataTypes.StringType, false)
      .add("site", DataTypes.StringType, false)
      .add("grain", DataTypes.StringType, false)
      .add("window_start", DataTypes.LongType, false)
      .add("dimension", DataTypes.StringType, false)
      .add("counts", DataTypes.createArrayType(DataTypes.LongType, false), false);

  /**
   * What the function emits: a kind (final, live, gone, score, counts) and a session, a
   * conversion_scores row or a change of the live metrics.
   */
  public static final StructType OUTPUT = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("session", Sessions.SCHEMA)
      .add("score", ModelJob.SCORES)
      .add("counts", COUNTS);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM");

  private final LiveSessions sessions;
  private final CassandraConnector connector;
  private final String keyspace;
  private final long retentionMs;
  private final LiveTimers timers;
  /**
   * The model that scores, set by the driver between micro-batches: a task gets the function as
   * it was when its micro-batch started, so a newer model applies from the next one on.
   */
  private volatile TrailScorer scorer;
  private volatile io.trailcast.ingest.Suppression forgotten = io.trailcast.ingest.Suppression.NONE;
  private transient CqlSession session;
  private transient PreparedStatement lifetime;

  /**
   * {@code retentionMs}: how long after a user's last event (event time) the state stays once no
   * session can change any more; the model's history of the user is then read again from
   * user_lifetime.
   */
  public LiveSessionsFunction(LiveSessions sessions, CassandraConnector connector, String keyspace,
      long retentionMs, LiveTimers timers) {
    this.sessions = sessions;
    this.connector = connector;
    this.keyspace = keyspace;
    this.retentionMs = retentionMs;
    this.timers = timers;
  }

  /** Scores from the next micro-batch on with {@code next} (null: leave trails unscored). */
  public void useModel(TrailScorer next) {
    this.scorer = next;
  }

  public TrailScorer model() {
    return scorer;
  }

  /** Users whose state is dropped, with nothing written, from the next micro-batch on (forgotten persons). */
  public void forget(io.trailcast.ingest.Suppression next) {
    this.forgotten = next;
  }

  @Override
  public Iterator<Row> call(String key, Iterator<Row> rows, GroupState<UserState> group) {
    long started = System.nanoTime();
    int split = key.indexOf('\u0001');
    String user = key.substring(0, split);
    String site = key.substring(split + 1);
    if (forgotten.contains(user)) {
      // A forgotten person's open sessions end here: a timeout would otherwise write them back.
      group.remove();
      return java.util.Collections.emptyIterator();
    }
    long watermark = group.getCurrentWatermarkMs();
    List<LiveEvent> incoming = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      incoming.add(new LiveEvent(Sessions.event(r), r.getString(THEME), r.getString(USER_AGENT)));
    }
    UserState state = group.exists() ? group.get() : new UserState();
    if (!state.historyLoaded && !incoming.isEmpty()) {
      long lookup = System.nanoTime();
      loadHistory(state, user, incoming);
      timers.history().add((System.nanoTime() - lookup) / 1000);
    }
    TrailScorer model = scorer;
    LiveSessions.Result result = sessions.advance(state, user, site, incoming, watermark,
        model == null ? null : model.rules());
    List<Row> out = new ArrayList<>();
    for (Session s : result.finals()) {
      out.add(RowFactory.create("final", Sessions.row(s), null, null));
    }
    for (Session s : result.live()) {
      out.add(RowFactory.create("live", Sessions.row(s), null, null));
    }
    for (Map.Entry<String, Long> gone : result.gone().entrySet()) {
      out.add(RowFactory.create("gone", goneRow(user, site, gone.getKey(), gone.getValue(), sessions), null, null));
    }
    for (Map.Entry<LiveCounts.Key, long[]> change : result.counts().entrySet()) {
      LiveCounts.Key k = change.getKey();
      out.add(RowFactory.create("counts", null, null, RowFactory.create(k.table().name(), k.site(), k.grain(),
          k.windowStart(), k.dimension(),
          scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.stream(change.getValue()).boxed().toList())
              .toSeq())));
    }
    long scoring = System.nanoTime();
    for (LiveSessions.ScorePoint point : result.scores()) {
      Session s = point.session();
      out.add(RowFactory.create("score", null, ModelJob.scoreRow(s.userId(), s.sessionId(), s.day(),
          new Timestamp(point.features().cutTs()), model.score(point.features()), model.version()), null));
    }
    timers.scoring().add((System.nanoTime() - scoring) / 1000);
    if (result.wakeAt() >= 0) {
      group.update(state);
      group.setTimeoutTimestamp(Math.max(result.wakeAt(), watermark) + 1);
    } else if (state.lastEventTs + retentionMs <= watermark) {
      group.remove();
    } else {
      group.update(state);
      group.setTimeoutTimestamp(state.lastEventTs + retentionMs + 1);
    }
    timers.state().add((System.nanoTime() - started) / 1000);
    return out.iterator();
  }

  /** The keys of a live session a later call no longer finds (sessions_by_user's). */
  private static Row goneRow(String user, String site, String sessionId, long start, LiveSessions sessions) {
    LocalDate day = sessions.day(start);
    Object[] values = new Object[Sessions.SCHEMA.size()];
    values[0] = user;
    values[1] = day.format(MONTH);
    values[2] = new Timestamp(start);
    values[3] = sessionId;
    values[4] = site;
    values[5] = java.sql.Date.valueOf(day);
    return RowFactory.create(values);
  }

  /**
   * What user_lifetime holds of the user from before these events (sessions, conversions, last
   * seen, theme pageviews), as the batch's trails read from user_daily. Once the batch has
   * aggregated days these events belong to, the totals would count them twice: then none is used.
   */
  private void loadHistory(UserState state, String user, List<LiveEvent> incoming) {
    state.historyLoaded = true;
    long first = incoming.stream().mapToLong(LiveEvent::ts).min().orElseThrow();
    java.util.Optional<java.util.Optional<com.datastax.oss.driver.api.core.cql.Row>> prefetched =
        HistoryPrefetch.get(keyspace, user);
    com.datastax.oss.driver.api.core.cql.Row row = prefetched.isPresent() ? prefetched.get().orElse(null)
        : read(user);
    if (row == null || row.getInstant(2) == null || row.getInstant(2).toEpochMilli() >= first) {
      return;
    }
    state.sessions = row.isNull(0) ? 0 : row.getLong(0);
    state.conversions = row.isNull(1) ? 0 : row.getLong(1);
    state.previousEnd = row.getInstant(2).toEpochMilli();
    state.themePageviews.putAll(row.getMap(3, String.class, Long.class));
  }

  /** The user's user_lifetime row read by key: for a user the prefetch of this executor did not read. */
  private com.datastax.oss.driver.api.core.cql.Row read(String user) {
    if (lifetime == null) {
      // Once per task (the function is deserialized for each): the connector shares the session.
      CqlSession opened = connector.openSession();
      lifetime = opened.prepare(HistoryPrefetch.select(keyspace));
      this.session = opened;
      org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> {
          opened.close();
          this.session = null;
          this.lifetime = null;
        });
      }
    }
    return session.execute(lifetime.bind(user)).one();
  }
}
