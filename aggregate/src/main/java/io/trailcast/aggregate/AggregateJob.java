package io.trailcast.aggregate;

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
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.spark.CassandraWriter;
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
 * the next run of a day counts the events that arrived since (late events).
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

  public static Result run(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      SessionRules rules) {
    Result result = JobRuns.record(target, "aggregate", List.of(), from, to,
        (session, run) -> aggregate(spark, session, target, from, to, rules, run.runId()), done -> {
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
      LocalDate to, SessionRules rules, String runId) {
    Column inWindow = col("day").between(lit(Date.valueOf(from)), lit(Date.valueOf(to)));
    String[] columns = Arrays.copyOf(Sessions.EVENT_COLUMNS, Sessions.EVENT_COLUMNS.length + 1);
    columns[columns.length - 1] = "day";
    Dataset<Row> events = EventDays.events(spark, target, from, to.plusDays(1), columns)
        .persist(StorageLevel.MEMORY_AND_DISK());
    long endOfData = Math.min(System.currentTimeMillis(),
        to.plusDays(2).atStartOfDay(rules.zone()).toInstant().toEpochMilli());
    Dataset<Row> sessions = Sessions.apply(events, rules, endOfData).filter(inWindow)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<LocalDate, Long> seenBefore = aggregatedDays(cql, from, to);
      // One small collect for everything counted per site and day (each action is Spark jobs of its own).
      List<Row> siteDays = sessions.groupBy("site", "day")
          .agg(expr("count(*)"), expr("sum(events)"), expr("count_if(bot)")).collectAsList();
      Map<LocalDate, Long> eventsNow = perDay(siteDays, 3);
      long late = 0;
      for (Map.Entry<LocalDate, Long> day : seenBefore.entrySet()) {
        late += Math.max(0, eventsNow.getOrDefault(day.getKey(), 0L) - day.getValue());
      }
      long changed = replaceSessions(spark, target, sessions, inWindow, seenBefore);

      Dataset<Row> pages = Metrics.pages(sessions).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> search = Metrics.search(sessions).persist(StorageLevel.MEMORY_AND_DISK());
      // Every (site, day) with sessions: a day left without pageviews or searches loses its old rows too.
      clearDays(cql, "page_metrics_by_day", siteDays);
      clearDays(cql, "search_metrics_by_day", siteDays);
      CassandraWriter.write(spark, pages, target, "page_metrics_by_day");
      CassandraWriter.write(spark, search, target, "search_metrics_by_day");
      Dataset<Row> sessionMetrics = Metrics.sessions(sessions).persist(StorageLevel.MEMORY_AND_DISK());
      // Rates may turn null on a rerun; the sink leaves nulls unset, so the old rows go first.
      CassandraWriter.delete(spark, sessionMetrics.select("site", "month", "day"), target, "session_metrics_by_day");
      CassandraWriter.write(spark, sessionMetrics, target, "session_metrics_by_day");
      Dataset<Row> pageviews = events.filter(Event.pageviewColumn().and(inWindow)).select("user_id", "day", "url");
      Dataset<Row> urlThemes = CassandraTables.lookup(spark, pageviews.select("url").distinct(), target, "url_themes",
          "url", "theme");
      Dataset<Row> daily = UserAggregates.daily(sessions, UserAggregates.themePageviews(pageviews, urlThemes));
      CassandraWriter.write(spark, daily, target, "user_daily");
      CassandraWriter.write(spark, UserAggregates.lifetime(allDaysOf(spark, target, daily, from, to)), target,
          "user_lifetime");

      long total = 0;
      long bots = 0;
      for (Row siteDay : siteDays) {
        total += siteDay.getLong(2);
        bots += siteDay.getLong(4);
      }
      Result result = new Result(total, bots, pages.count(), search.count(), late, changed);
      pages.unpersist();
      search.unpersist();
      sessionMetrics.unpersist();
      recordDays(cql, eventsNow, perDay(siteDays, 2), runId);
      return result;
    } finally {
      sessions.unpersist();
      events.unpersist();
    }
  }

  /**
   * Writes the sessions that are new or altered and deletes the stored ones of the window that the
   * events no longer give (a late event can merge two sessions, or move a start). Returns how many
   * sessions of already aggregated days changed: written anew, or gone.
   */
  private static long replaceSessions(SparkSession spark, CassandraTarget target, Dataset<Row> sessions,
      Column inWindow, Map<LocalDate, Long> seenBefore) {
    Dataset<Row> fresh = Sessions.forTable(sessions);
    Dataset<Row> stored = CassandraTables.lookup(spark, sessions.select("user_id", "month").distinct(), target,
            "sessions_by_user", fresh.columns())
        .filter(inWindow)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> written = fresh.exceptAll(stored).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> dropped = stored.exceptAll(fresh).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Column revisited = seenBefore.isEmpty() ? lit(false)
          : col("day").isin(seenBefore.keySet().stream().map(Date::valueOf).toArray());
      Column[] keyAndDay = {col("user_id"), col("month"), col("session_start"), col("session_id"), col("day")};
      long gone = dropped.select(keyAndDay).except(written.select(keyAndDay)).filter(revisited).count();
      long changed = written.filter(revisited).count() + gone;
      // An altered session's old row goes too, so that no column it lost stays behind.
      CassandraWriter.delete(spark, dropped.select("user_id", "month", "session_start", "session_id"), target,
          "sessions_by_user");
      CassandraWriter.write(spark, written, target, "sessions_by_user");
      return changed;
    } finally {
      written.unpersist();
      dropped.unpersist();
      stored.unpersist();
    }
  }

  /** Every user_daily row of the users of {@code daily}: their months from first to last seen. */
  private static Dataset<Row> allDaysOf(SparkSession spark, CassandraTarget target, Dataset<Row> daily,
      LocalDate from, LocalDate to) {
    Dataset<Row> users = daily.select("user_id").distinct();
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
    return CassandraTables.lookup(spark, months, target, "user_daily", "user_id", "day", "events", "pageviews",
        "sessions", "bounces", "searches", "clicks", "conversions", "time_on_site_ms", "first_event", "last_event",
        "theme_pageviews");
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

  private static void recordDays(CqlSession cql, Map<LocalDate, Long> eventsNow, Map<LocalDate, Long> sessionsNow,
      String runId) {
    Instant now = Instant.now();
    for (Map.Entry<LocalDate, Long> day : sessionsNow.entrySet()) {
      cql.execute(SimpleStatement.newInstance("INSERT INTO aggregated_days (day, events, sessions, aggregated_at, "
          + "run_id) VALUES (?, ?, ?, ?, ?)", day.getKey(), eventsNow.get(day.getKey()), day.getValue(), now, runId));
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
