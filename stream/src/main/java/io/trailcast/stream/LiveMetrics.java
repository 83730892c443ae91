package io.trailcast.stream;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.aggregate.Metrics;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.spark.CassandraWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Live bounce and search metrics: for every day whose live sessions changed ({@code live_days}),
 * the batch's {@link Metrics} over that day's sessions ({@code live_sessions_by_day}), per day and
 * per hour of the site time zone, into {@code live_page_metrics} and {@code live_search_metrics}.
 * Recomputed from the sessions, never incremented: a replayed micro-batch or a killed job cannot
 * count a session twice.
 */
public final class LiveMetrics {
  private static final String[] SESSION_COLUMNS = {"site", "day", "session_id", "session_start", "landing_page",
      "depth", "bounced", "engaged", "searches", "searches_with_click", "clicks", "bot", "search_exit",
      "search_queries", "search_clicks", "search_exits"};
  private static final StructType DAYS = new StructType().add("site", DataTypes.StringType)
      .add("day", DataTypes.DateType);

  private LiveMetrics() {
  }

  /** A day to recompute, and the change it was marked with. */
  private record Dirty(String site, LocalDate day, Instant changedAt) {
  }

  /** Recomputes the metrics of every changed day; returns how many days. */
  public static int refresh(SparkSession spark, CassandraTarget target, ZoneId zone) {
    List<Dirty> dirty = new ArrayList<>();
    try (CqlSession cql = CqlSessions.open(target)) {
      for (Row row : cql.execute("SELECT site, day, changed_at, refreshed_at FROM live_days")) {
        if (!row.isNull(2) && (row.isNull(3) || row.getInstant(2).isAfter(row.getInstant(3)))) {
          dirty.add(new Dirty(row.getString(0), row.getLocalDate(1), row.getInstant(2)));
        }
      }
      if (dirty.isEmpty()) {
        return 0;
      }
      List<org.apache.spark.sql.Row> keys = new ArrayList<>();
      for (Dirty d : dirty) {
        keys.add(RowFactory.create(d.site(), java.sql.Date.valueOf(d.day())));
      }
      String z = zone.getId();
      Dataset<org.apache.spark.sql.Row> sessions = CassandraTables.lookup(spark, spark.createDataFrame(keys, DAYS),
              target, "live_sessions_by_day", SESSION_COLUMNS)
          .withColumn("search_outcomes", expr("transform(arrays_zip(search_queries, search_clicks, search_exits), "
              + "x -> named_struct('query', x.search_queries, 'clicks', x.search_clicks, 'exit', x.search_exits))"))
          .withColumn("hour_start", expr("to_utc_timestamp(date_trunc('HOUR', from_utc_timestamp(session_start, '"
              + z + "')), '" + z + "')"))
          .withColumn("day_start", expr("to_utc_timestamp(cast(day as timestamp), '" + z + "')"))
          .cache();
      try {
        clear(cql, dirty, zone);
        for (String grain : List.of("day", "hour")) {
          String window = grain + "_start";
          CassandraWriter.write(spark, Metrics.pages(sessions, window).withColumnRenamed(window, "window_start")
              .withColumn("grain", lit(grain)).withColumn("updated_at", current_timestamp()), target,
              "live_page_metrics");
          CassandraWriter.write(spark, Metrics.search(sessions, window).withColumnRenamed(window, "window_start")
              .withColumn("grain", lit(grain)).withColumn("updated_at", current_timestamp()), target,
              "live_search_metrics");
        }
      } finally {
        sessions.unpersist();
      }
      PreparedStatement done = cql.prepare("UPDATE live_days SET refreshed_at = ? WHERE site = ? AND day = ?");
      for (Dirty d : dirty) {
        cql.execute(done.bind(d.changedAt(), d.site(), d.day()));
      }
    }
    return dirty.size();
  }

  /** Deletes the windows about to be rewritten, so a landing page or query that is gone leaves no row. */
  private static void clear(CqlSession cql, List<Dirty> dirty, ZoneId zone) {
    PreparedStatement pages = cql.prepare("DELETE FROM live_page_metrics WHERE site = ? AND grain = ? AND "
        + "window_start = ?");
    PreparedStatement search = cql.prepare("DELETE FROM live_search_metrics WHERE site = ? AND grain = ? AND "
        + "window_start = ?");
    for (Dirty d : dirty) {
      ZonedDateTime start = d.day().atStartOfDay(zone);
      ZonedDateTime end = d.day().plusDays(1).atStartOfDay(zone);
      for (PreparedStatement delete : List.of(pages, search)) {
        cql.execute(delete.bind(d.site(), "day", start.toInstant()));
        for (ZonedDateTime hour = start; hour.isBefore(end); hour = hour.plusHours(1)) {
          cql.execute(delete.bind(d.site(), "hour", hour.toInstant()));
        }
      }
    }
  }
}
