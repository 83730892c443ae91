package io.trailcast.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.SchemaMigrator;
import io.trailcast.core.spark.CassandraWriter;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and their metrics for a window of days: events of the window plus the day after (so
 * the last sessions get their true end reason) into {@code sessions_by_user},
 * {@code page_metrics_by_day}, {@code search_metrics_by_day}, {@code user_daily} and
 * {@code user_lifetime} (recomputed from all of the window's users' days). A rerun of a window rewrites its
 * rows; the metric partitions of the window are cleared first, so they never keep stale rows.
 */
public final class AggregateJob {
  private static final Logger LOG = LoggerFactory.getLogger(AggregateJob.class);

  private AggregateJob() {
  }

  /** What a run wrote. */
  public record Result(long sessions, long botSessions, long landingPages, long searchRows) {
    public String line() {
      return String.format("%,d sessions (%,d bot), %,d landing-page rows, %,d search rows (day totals and queries)",
          sessions, botSessions, landingPages, searchRows);
    }
  }

  public static Result run(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      SessionRules rules) {
    try (CqlSession session = CqlSessions.open(target)) {
      SchemaMigrator.requireCurrent(session, target.keyspace());
      JobRuns run = JobRuns.start(session, "aggregate", List.of(), from, to);
      try {
        Result result = aggregate(spark, session, target, from, to, rules);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("sessions", result.sessions());
        counts.put("bot_sessions", result.botSessions());
        counts.put("landing_pages", result.landingPages());
        counts.put("search_rows", result.searchRows());
        run.succeeded(session, counts);
        LOG.info("aggregate {}..{} done: {}", from, to, result.line());
        return result;
      } catch (Throwable e) {
        run.failed(session, Map.of(), String.valueOf(e.getMessage()));
        throw e;
      }
    }
  }

  private static Result aggregate(SparkSession spark, CqlSession cql, CassandraTarget target, LocalDate from,
      LocalDate to, SessionRules rules) {
    // Midnight ends every session, so a day's sessions need only that day's events, and the next
    // day's first ones to tell "midnight" from "timeout".
    Dataset<Row> events = spark.read().format("org.apache.spark.sql.cassandra")
        .option("keyspace", target.keyspace()).option("table", "events_by_user").load()
        .filter(col("day").between(lit(Date.valueOf(from)), lit(Date.valueOf(to.plusDays(1)))));
    long endOfData = Math.min(System.currentTimeMillis(),
        to.plusDays(2).atStartOfDay(rules.zone()).toInstant().toEpochMilli());
    Dataset<Row> sessions = Sessions.apply(events, rules, endOfData)
        .filter(col("day").between(lit(Date.valueOf(from)), lit(Date.valueOf(to))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      CassandraWriter.write(spark, Sessions.forTable(sessions), target, "sessions_by_user");
      Dataset<Row> pages = Metrics.pages(sessions).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> search = Metrics.search(sessions);
      clearDays(cql, "page_metrics_by_day", pages);
      clearDays(cql, "search_metrics_by_day", search);
      CassandraWriter.write(spark, pages, target, "page_metrics_by_day");
      CassandraWriter.write(spark, search, target, "search_metrics_by_day");
      Dataset<Row> daily = UserAggregates.daily(sessions);
      CassandraWriter.write(spark, daily, target, "user_daily");
      // Lifetimes of the window's users, recomputed from all of their days.
      Dataset<Row> allDays = spark.read().format("org.apache.spark.sql.cassandra")
          .option("keyspace", target.keyspace()).option("table", "user_daily").load()
          .join(daily.select("user_id").distinct(), "user_id")
          .select("user_id", "day", "events", "pageviews", "sessions", "bounces", "searches", "clicks",
              "conversions", "time_on_site_ms", "first_event", "last_event");
      CassandraWriter.write(spark, UserAggregates.lifetime(allDays), target, "user_lifetime");
      Row counts = sessions.selectExpr("count(*)", "count_if(bot)").first();
      Result result = new Result(counts.getLong(0), counts.getLong(1), pages.count(), search.count());
      pages.unpersist();
      return result;
    } finally {
      sessions.unpersist();
    }
  }

  /** Deletes the (site, day) partitions about to be rewritten: a rerun leaves no stale landing page. */
  private static void clearDays(CqlSession cql, String table, Dataset<Row> rows) {
    for (Row key : rows.select("site", "day").distinct().collectAsList()) {
      cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
          "DELETE FROM " + table + " WHERE site = ? AND day = ?", key.getString(0), key.getDate(1).toLocalDate()));
    }
  }
}
