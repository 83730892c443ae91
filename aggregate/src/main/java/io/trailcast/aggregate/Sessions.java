package io.trailcast.aggregate;

import static org.apache.spark.sql.functions.col;

import io.trailcast.aggregate.sessions.Session;
import io.trailcast.aggregate.sessions.SessionEvent;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.aggregate.sessions.Sessionizer;
import io.trailcast.ingest.Event;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Events into sessions: one shuffle by user and site, a sort by event time within partitions, and
 * the {@link Sessionizer} over the sorted scan. No user's events are ever collected in memory.
 */
public final class Sessions {
  /** Session rows: sessions_by_user's columns, then the session's searches. */
  public static final StructType SCHEMA = new StructType()
      .add("user_id", DataTypes.StringType, false)
      .add("month", DataTypes.StringType, false)
      .add("session_start", DataTypes.TimestampType, false)
      .add("session_id", DataTypes.StringType, false)
      .add("site", DataTypes.StringType)
      .add("day", DataTypes.DateType)
      .add("session_end", DataTypes.TimestampType)
      .add("end_reason", DataTypes.StringType)
      .add("landing_page", DataTypes.StringType)
      .add("exit_page", DataTypes.StringType)
      .add("depth", DataTypes.IntegerType)
      .add("events", DataTypes.IntegerType)
      .add("duration_ms", DataTypes.LongType)
      .add("bounced", DataTypes.BooleanType)
      .add("engaged", DataTypes.BooleanType)
      .add("searches", DataTypes.IntegerType)
      .add("searches_with_click", DataTypes.IntegerType)
      .add("clicks", DataTypes.IntegerType)
      .add("converted", DataTypes.BooleanType)
      .add("bot", DataTypes.BooleanType)
      .add("campaign", DataTypes.StringType)
      .add("channel", DataTypes.StringType)
      .add("search_exit", DataTypes.BooleanType)
      // Not columns of sessions_by_user: what the per-query search metrics are made of, and what made a bot session
      // one (session_metrics_by_day.bot_rules).
      .add("search_outcomes", DataTypes.createArrayType(new StructType()
          .add("query", DataTypes.StringType)
          .add("clicks", DataTypes.IntegerType)
          .add("exit", DataTypes.BooleanType)))
      .add("bot_rule", DataTypes.StringType);

  /** The events_by_user columns sessions are made of. */
  public static final String[] EVENT_COLUMNS = {"user_id", "site", "ts", "source", "line", "event_id", "url", "action",
      "interactive", "status", "campaign", "search_query", "bot", "referrer"};

  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM");

  private Sessions() {
  }

  /**
   * The sessions of {@code events} (events_by_user rows). The last session of each user is closed
   * at {@code endOfData}: {@code open} if it was active within the gap before it.
   */
  public static Dataset<Row> apply(Dataset<Row> events, SessionRules rules, long endOfData) {
    return events
        .select(EVENT_COLUMNS[0], java.util.Arrays.copyOfRange(EVENT_COLUMNS, 1, EVENT_COLUMNS.length))
        .repartition(col("user_id"), col("site"))
        .sortWithinPartitions("user_id", "site", "ts", "source", "line", "event_id")
        .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new SessionIterator(rows, rules, endOfData),
            Encoders.row(SCHEMA));
  }

  /** The session event of a row holding {@link #EVENT_COLUMNS}, read by name (in any order, among others). */
  public static SessionEvent event(Row r) {
    EventPositions at = EventPositions.of(r.schema());
    boolean interactive = r.getBoolean(at.interactive);
    String action = r.getString(at.action);
    boolean pageview = Event.isPageview(interactive, r.getInt(at.status), action);
    return new SessionEvent(r.getTimestamp(at.ts).getTime(), SessionEvent.position(r.getString(at.source),
        r.getLong(at.line)), r.getString(at.eventId), r.getString(at.url), action, interactive, pageview,
        r.getString(at.campaign), r.getString(at.searchQuery), !r.isNullAt(at.bot) && r.getBoolean(at.bot),
        r.getString(at.referrer));
  }

  /**
   * Where the event columns are in a row schema: looked up by name once per schema, not per row
   * (every row of a partition shares one schema object).
   */
  private record EventPositions(StructType schema, int ts, int source, int line, int eventId, int url, int action,
      int interactive, int status, int campaign, int searchQuery, int bot, int referrer) {
    private static volatile EventPositions last;

    static EventPositions of(StructType schema) {
      EventPositions known = last;
      if (known != null && (known.schema == schema || known.schema.equals(schema))) {
        return known;
      }
      EventPositions found = new EventPositions(schema, schema.fieldIndex("ts"), schema.fieldIndex("source"),
          schema.fieldIndex("line"), schema.fieldIndex("event_id"), schema.fieldIndex("url"),
          schema.fieldIndex("action"), schema.fieldIndex("interactive"), schema.fieldIndex("status"),
          schema.fieldIndex("campaign"), schema.fieldIndex("search_query"), schema.fieldIndex("bot"),
          schema.fieldIndex("referrer"));
      last = found;
      return found;
    }
  }

  /** A session as a row of {@link #SCHEMA}. */
  public static Row row(Session s) {
    return RowFactory.create(s.userId(), s.day().format(MONTH), new Timestamp(s.start()), s.sessionId(), s.site(),
        Date.valueOf(s.day()), new Timestamp(s.end()), s.endReason(), s.landingPage(), s.exitPage(), s.depth(),
        s.events(), s.durationMs(), s.bounced(), s.engaged(), s.searches(), s.searchesWithClick(), s.clicks(),
        s.converted(), s.bot(), s.campaign(), s.channel(), s.searchExit(), searches(s), s.botRule());
  }

  private static scala.collection.Seq<Row> searches(Session s) {
    java.util.List<Row> rows = new java.util.ArrayList<>();
    for (Session.SearchOutcome outcome : s.searchOutcomes()) {
      rows.add(RowFactory.create(outcome.query(), outcome.clicks(), outcome.exit()));
    }
    return scala.collection.JavaConverters.asScalaBuffer(rows).toSeq();
  }

  /** Columns of {@link #SCHEMA} that sessions_by_user does not hold. */
  private static final java.util.Set<String> NOT_STORED = java.util.Set.of("search_outcomes", "bot_rule");

  /** The rows as sessions_by_user holds them. */
  public static Dataset<Row> forTable(Dataset<Row> sessions) {
    return sessions.drop(NOT_STORED.toArray(new String[0]));
  }

  /** The columns of {@link #forTable}: every column of {@link #SCHEMA} that sessions_by_user has. */
  public static String[] tableColumns() {
    return java.util.Arrays.stream(SCHEMA.fieldNames()).filter(name -> !NOT_STORED.contains(name))
        .toArray(String[]::new);
  }

  /** Walks rows sorted by (user, site, time), one sessionizer per (user, site) at a time. */
  private static final class SessionIterator implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final SessionRules rules;
    private final long endOfData;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private Sessionizer current;
    private String user;
    private String site;

    SessionIterator(Iterator<Row> rows, SessionRules rules, long endOfData) {
      this.rows = rows;
      this.rules = rules;
      this.endOfData = endOfData;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && (rows.hasNext() || current != null)) {
        if (!rows.hasNext()) {
          emit(current.finish(endOfData));
          current = null;
          break;
        }
        Row r = rows.next();
        if (current == null || !r.getString(0).equals(user) || !java.util.Objects.equals(r.getString(1), site)) {
          if (current != null) {
            emit(current.finish(endOfData));
          }
          user = r.getString(0);
          site = r.getString(1);
          current = new Sessionizer(rules, user, site);
        }
        emit(current.accept(event(r)));
      }
      return !ready.isEmpty();
    }

    private void emit(Session session) {
      if (session != null) {
        ready.add(row(session));
      }
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }
  }
}
