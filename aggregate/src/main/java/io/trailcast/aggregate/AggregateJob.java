package io.trailcast.aggregate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.aggregate.experiments.ExperimentArms;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.aggregate.experiments.ExperimentRewards;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.core.spark.ShufflePartitions;
import io.trailcast.ingest.Event;
import io.trailcast.ingest.EventDays;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and their metrics for a window of days. Reads the window's events plus the day after
 * (so the last sessions get their true end reason) through the {@code event_days} index, never by
 * a table scan; no look-back before the window is needed because midnight ends every session.
 * Writes {@code sessions_by_user} (only the sessions that changed; sessions a rerun no longer
 * finds are deleted), {@code page_metrics_by_day}, {@code search_metrics_by_day},
 * {@code session_metrics_by_day}, {@code user_daily} (with pageviews per theme from
 * {@code url_themes}) and {@code user_lifetime} (recomputed from
 * all of the window's users' days), then records what it saw per day in {@code aggregated_days}:
 * the next run of a day counts the events that arrived since (late events). A run is
 * {@link #read}, a {@link #compute} that writes nothing, and a {@link #write}.
 */
public final class AggregateJob {
  private static final Logger LOG = LoggerFactory.getLogger(AggregateJob.class);

  private AggregateJob() {
  }

  /**
   * What a run wrote and what changed since the previous run of the same days.
   *
   * @param lateEvents events of already aggregated days that arrived after their last run
   * @param sessionsChanged sessions of already aggregated days that are new, altered or gone
   */
  public record Result(long sessions, long botSessions, long landingPages, long searchRows, long lateEvents,
      long sessionsChanged) {
    public String line() {
      return String.format("%,d sessions (%,d bot), %,d landing-page rows, %,d search rows (day totals and queries);"
          + " %,d late events, %,d sessions changed since the last run of these days", sessions, botSessions,
          landingPages, searchRows, lateEvents, sessionsChanged);
    }
  }

  public static Result run(SparkSession spark, Store store, LocalDate from, LocalDate to, SessionRules rules) {
    return run(spark, store, from, to, rules, ExperimentDefinitions.none());
  }

  /** The run, which also rewrites what the sessions of those days earned each variant of {@code experiments}. */
  public static Result run(SparkSession spark, Store store, LocalDate from, LocalDate to, SessionRules rules,
      ExperimentDefinitions experiments) {
    Result result = JobRuns.record(store, "aggregate", List.of(), from, to, (cql, run) -> {
      return ShufflePartitions.with(spark, EventDays.shufflePartitions(spark, cql, from, to.plusDays(1)),
          () -> aggregate(spark, cql, store.target(), from, to, rules, experiments, run.runId()));
    }, done -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("sessions", done.sessions());
      counts.put("bot_sessions", done.botSessions());
      counts.put("landing_pages", done.landingPages());
      counts.put("search_rows", done.searchRows());
      counts.put("late_events", done.lateEvents());
      counts.put("sessions_changed", done.sessionsChanged());
      return counts;
    });
    LOG.info("aggregate {}..{} done: {}", from, to, result.line());
    return result;
  }

  private static Result aggregate(SparkSession spark, CqlSession cql, CassandraTarget target, LocalDate from,
      LocalDate to, SessionRules rules, ExperimentDefinitions experiments, String runId) {
    Stored stored = read(spark, cql, target, from, to);
    try {
      long endOfData = Math.min(System.currentTimeMillis(),
          to.plusDays(2).atStartOfDay(rules.zone()).toInstant().toEpochMilli());
      Computed computed = compute(stored, rules, from, to, endOfData);
      try {
        Result written = write(spark, cql, target, stored.seenBefore(), computed, runId);
        writeExperiments(cql, target.keyspace(), experiments, computed.sessions());
        return written;
      } finally {
        computed.unpersist();
      }
    } finally {
      stored.events().unpersist();
      stored.storedSessions().unpersist();
    }
  }

  /**
   * What a run reads: the window's events and the day after, and their users' stored sessions
   * (both persisted; the caller unpersists them); the days an earlier run aggregated; the URLs'
   * themes and the users' stored days. Every lookup is keyed by the events alone.
   *
   * @param storedDaily every user_daily row of the window's users, their months from first to last seen
   */
  record Stored(Dataset<Row> events, Map<LocalDate, Long> seenBefore, Dataset<Row> storedSessions,
      Dataset<Row> urlThemes, Dataset<Row> storedDaily) {
  }

  static Stored read(SparkSession spark, CqlSession cql, CassandraTarget target, LocalDate from, LocalDate to) {
    String[] columns = Arrays.copyOf(Sessions.EVENT_COLUMNS, Sessions.EVENT_COLUMNS.length + 1);
    columns[columns.length - 1] = "day";
    Dataset<Row> events = EventDays.events(spark, target, from, to.plusDays(1), columns)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Column inWindow = inWindow(from, to);
    Dataset<Row> userMonths = events.select(col("user_id"), date_format(col("day"), "yyyy-MM").as("month"))
        .distinct();
    Dataset<Row> storedSessions = CassandraTables.lookup(spark, userMonths, target, "sessions_by_user",
        Sessions.tableColumns()).filter(inWindow).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> pageUrls = events.filter(Event.pageviewColumn().and(inWindow)).select("url").distinct();
    Dataset<Row> urlThemes = CassandraTables.lookup(spark, pageUrls, target, "url_themes", "url", "theme");
    Dataset<Row> users = events.filter(inWindow).select("user_id").distinct();
    Dataset<Row> known = CassandraTables.lookup(spark, users, target, "user_lifetime", "user_id", "first_seen",
        "last_seen");
    // A day either side of the stored instants covers any site time zone.
    Dataset<Row> months = users.join(known, users.col("user_id").equalTo(known.col("user_id")), "left")
        .select(users.col("user_id"),
            least(date_sub(to_date(col("first_seen")), 1), lit(Date.valueOf(from))).as("first"),
            greatest(expr("date_add(to_date(last_seen), 1)"), lit(Date.valueOf(to))).as("last"))
        .select(col("user_id"), explode(expr("sequence(trunc(first, 'MM'), trunc(last, 'MM'), interval 1 month)"))
            .as("m"))
        .select(col("user_id"), date_format(col("m"), "yyyy-MM").as("month"));
    Dataset<Row> storedDaily = CassandraTables.lookup(spark, months, target, "user_daily", DAILY_COLUMNS);
    return new Stored(events, aggregatedDays(cql, from, to), storedSessions, urlThemes, storedDaily);
  }

  /** The user_daily columns user_lifetime is computed from. */
  private static final String[] DAILY_COLUMNS = {"user_id", "day", "events", "pageviews", "sessions", "bounces",
      "searches", "clicks", "conversions", "time_on_site_ms", "first_event", "last_event", "theme_pageviews"};

  /**
   * What a run writes, computed from what it read without writing anything: the sessions (with
   * those to write and the stored ones to delete), the day metrics and the user aggregates.
   * Persisted where several writes or counts read them; {@link #unpersist} after.
   */
  record Computed(Dataset<Row> sessions, Dataset<Row> written, Dataset<Row> dropped, Dataset<Row> pages,
      Dataset<Row> search, Dataset<Row> sessionMetrics, Dataset<Row> daily, Dataset<Row> lifetime) {
    void unpersist() {
      for (Dataset<Row> d : List.of(sessions, written, dropped, pages, search, sessionMetrics, daily)) {
        d.unpersist();
      }
    }
  }

  static Computed compute(Stored stored, SessionRules rules, LocalDate from, LocalDate to, long endOfData) {
    Column inWindow = inWindow(from, to);
    Dataset<Row> sessions = Sessions.apply(stored.events(), rules, endOfData).filter(inWindow)
        .persist(StorageLevel.MEMORY_AND_DISK());
    // An altered session's old row goes too (deleted, then written anew), so that no column it lost stays behind.
    Dataset<Row> fresh = Sessions.forTable(sessions);
    Dataset<Row> old = stored.storedSessions();
    Dataset<Row> written = fresh.exceptAll(old).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> dropped = old.exceptAll(fresh).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> pageviews = stored.events().filter(Event.pageviewColumn().and(inWindow))
        .select("user_id", "day", "url");
    Dataset<Row> daily = UserAggregates.daily(sessions, UserAggregates.themePageviews(pageviews,
        stored.urlThemes())).persist(StorageLevel.MEMORY_AND_DISK());
    return new Computed(sessions, written, dropped,
        Metrics.pages(sessions).persist(StorageLevel.MEMORY_AND_DISK()),
        Metrics.search(sessions).persist(StorageLevel.MEMORY_AND_DISK()),
        Metrics.sessions(sessions).persist(StorageLevel.MEMORY_AND_DISK()),
        daily, lifetime(daily, stored.storedDaily()));
  }

  /**
   * user_lifetime of the users of {@code daily}, from their stored days with this run's days in
   * place of the stored ones: what the table holds once {@code daily} is written.
   */
  static Dataset<Row> lifetime(Dataset<Row> daily, Dataset<Row> storedDaily) {
    Column[] typed = new Column[DAILY_COLUMNS.length];
    for (int i = 0; i < typed.length; i++) {
      typed[i] = col(DAILY_COLUMNS[i]).cast(storedDaily.schema().apply(DAILY_COLUMNS[i]).dataType())
          .as(DAILY_COLUMNS[i]);
    }
    Dataset<Row> days = daily.select(typed);
    Dataset<Row> before = storedDaily.select(col("user_id"), col("day"), col("theme_pageviews").as("stored_themes"));
    // The writer leaves a null cell unset: a day without themed pageviews now keeps the themes it had.
    Dataset<Row> written = days.join(before, Metrics.columns("user_id", "day"), "left")
        .withColumn("theme_pageviews", coalesce(col("theme_pageviews"), col("stored_themes")))
        .select(DAILY_COLUMNS[0], Arrays.copyOfRange(DAILY_COLUMNS, 1, DAILY_COLUMNS.length));
    Dataset<Row> untouched = storedDaily.join(days.select("user_id", "day"), Metrics.columns("user_id", "day"),
        "left_anti").select(DAILY_COLUMNS[0], Arrays.copyOfRange(DAILY_COLUMNS, 1, DAILY_COLUMNS.length));
    return UserAggregates.lifetime(written.unionByName(untouched))
        .join(daily.select("user_id").distinct(), Metrics.columns("user_id"), "left_semi");
  }

  /**
   * Writes what {@link #compute} gave: sessions that are new or altered (and deletes the stored
   * ones of the window the events no longer give), day metrics (their days cleared first, so a
   * rerun leaves no stale row), user aggregates, then the days seen, with the counts of the run.
   */
  private static Result write(SparkSession spark, CqlSession cql, CassandraTarget target,
      Map<LocalDate, Long> seenBefore, Computed c, String runId) {
    // One small collect for everything counted per site and day (each action is Spark jobs of its own).
    List<Row> siteDays = c.sessions().groupBy("site", "day")
        .agg(expr("count(*)"), expr("sum(events)"), expr("count_if(bot)")).collectAsList();
    Map<LocalDate, Long> eventsNow = perDay(siteDays, 3);
    long late = 0;
    Map<LocalDate, Long> latePerDay = new HashMap<>();
    for (Map.Entry<LocalDate, Long> day : seenBefore.entrySet()) {
      long arrived = Math.max(0, eventsNow.getOrDefault(day.getKey(), 0L) - day.getValue());
      latePerDay.put(day.getKey(), arrived);
      late += arrived;
    }
    Column revisited = seenBefore.isEmpty() ? lit(false)
        : col("day").isin(seenBefore.keySet().stream().map(Date::valueOf).toArray());
    Column[] keyAndDay = {col("user_id"), col("month"), col("session_start"), col("session_id"), col("day")};
    long gone = c.dropped().select(keyAndDay).except(c.written().select(keyAndDay)).filter(revisited).count();
    long changed = c.written().filter(revisited).count() + gone;
    CassandraWriter.delete(spark, c.dropped().select("user_id", "month", "session_start", "session_id"), target,
        "sessions_by_user");
    CassandraWriter.write(spark, c.written(), target, "sessions_by_user");

    // Every (site, day) with sessions: a day left without pageviews or searches loses its old rows too.
    clearDays(cql, "page_metrics_by_day", siteDays);
    clearDays(cql, "search_metrics_by_day", siteDays);
    long pages = CassandraWriter.write(spark, c.pages(), target, "page_metrics_by_day");
    long search = CassandraWriter.write(spark, c.search(), target, "search_metrics_by_day");
    // Rates may turn null on a rerun; the sink leaves nulls unset, so the old rows go first.
    CassandraWriter.delete(spark, c.sessionMetrics().select("site", "month", "day"), target,
        "session_metrics_by_day");
    CassandraWriter.write(spark, c.sessionMetrics(), target, "session_metrics_by_day");
    CassandraWriter.write(spark, c.daily(), target, "user_daily");
    CassandraWriter.write(spark, c.lifetime(), target, "user_lifetime");

    long total = 0;
    long bots = 0;
    for (Row siteDay : siteDays) {
      total += siteDay.getLong(2);
      bots += siteDay.getLong(4);
    }
    Result result = new Result(total, bots, pages, search, late, changed);
    recordDays(cql, eventsNow, perDay(siteDays, 2), latePerDay, runId);
    return result;
  }

  /**
   * What the window's sessions earned each variant (ExperimentRewards, the stream's rule too), per day: one
   * small collect of the sessions' landing pages and outcomes, then the days' batch rows rewritten.
   */
  private static void writeExperiments(CqlSession cql, String keyspace, ExperimentDefinitions experiments,
      Dataset<Row> sessions) {
    if (experiments.isEmpty()) {
      return;
    }
    Map<ExperimentRewards.Key, long[]> counts = new HashMap<>();
    java.util.Set<LocalDate> days = new java.util.TreeSet<>();
    // A session without a landing page has no pageview: the rule leaves it out, and its flags may be null.
    List<Row> outcomes = sessions.filter(col("landing_page").isNotNull()).groupBy(col("day"), col("landing_page"),
        expr("least(depth, 1)"), col("bot"), col("bounced"), col("engaged"), col("converted")).count().collectAsList();
    for (Row r : outcomes) {
      LocalDate day = r.getDate(0).toLocalDate();
      days.add(day);
      ExperimentRewards.add(counts, experiments.experiments(), day, r.getString(1), r.getInt(2), r.getBoolean(3),
          r.getBoolean(4), r.getBoolean(5), r.getBoolean(6), r.getLong(7));
    }
    ExperimentArms.writeBatch(cql, keyspace, experiments, days, counts);
  }

  private static Column inWindow(LocalDate from, LocalDate to) {
    return col("day").between(lit(Date.valueOf(from)), lit(Date.valueOf(to)));
  }

  /** Column {@code column} of (site, day, sessions, events, bot sessions) rows, summed per day over sites. */
  private static Map<LocalDate, Long> perDay(List<Row> siteDays, int column) {
    Map<LocalDate, Long> perDay = new HashMap<>();
    for (Row row : siteDays) {
      perDay.merge(row.getDate(1).toLocalDate(), row.getLong(column), Long::sum);
    }
    return perDay;
  }

  /** Days of the window an earlier run aggregated, with the events it saw. */
  private static Map<LocalDate, Long> aggregatedDays(CqlSession cql, LocalDate from, LocalDate to) {
    Map<LocalDate, Long> days = new HashMap<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      com.datastax.oss.driver.api.core.cql.Row row = cql.execute(SimpleStatement.newInstance(
          "SELECT events FROM aggregated_days WHERE day = ?", day)).one();
      if (row != null) {
        days.put(day, row.getLong(0));
      }
    }
    return days;
  }

  /** The days seen by this run; late events add to those of earlier runs. */
  private static void recordDays(CqlSession cql, Map<LocalDate, Long> eventsNow, Map<LocalDate, Long> sessionsNow,
      Map<LocalDate, Long> latePerDay, String runId) {
    Instant now = Instant.now();
    for (Map.Entry<LocalDate, Long> day : sessionsNow.entrySet()) {
      long late = latePerDay.getOrDefault(day.getKey(), 0L);
      if (latePerDay.containsKey(day.getKey())) {
        com.datastax.oss.driver.api.core.cql.Row before = cql.execute(SimpleStatement.newInstance(
            "SELECT late_events FROM aggregated_days WHERE day = ?", day.getKey())).one();
        late += before == null || before.isNull(0) ? 0 : before.getLong(0);
      }
      cql.execute(SimpleStatement.newInstance("INSERT INTO aggregated_days (day, events, sessions, aggregated_at, "
          + "run_id, late_events) VALUES (?, ?, ?, ?, ?, ?)", day.getKey(), eventsNow.get(day.getKey()), day.getValue(),
          now, runId, late));
    }
  }

  /** Deletes the (site, day) partitions about to be rewritten: a rerun leaves no stale landing page. */
  private static void clearDays(CqlSession cql, String table, List<Row> siteDays) {
    for (Row key : siteDays) {
      cql.execute(SimpleStatement.newInstance(
          "DELETE FROM " + table + " WHERE site = ? AND day = ?", key.getString(0), key.getDate(1).toLocalDate()));
    }
  }
}
