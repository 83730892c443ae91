package io.trailcast.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-user aggregates. Sessions never cross midnight and every event belongs to one, so a user's
 * day is the sum of that day's sessions: no second pass over the events.
 */
public final class UserAggregates {
  private UserAggregates() {
  }

  /**
   * Pageviews per theme of each user and day: {@code pageviews} (user_id, day, url) joined with
   * the URLs' themes (url, theme); {@code unknown} is not a theme and is left out.
   */
  public static Dataset<Row> themePageviews(Dataset<Row> pageviews, Dataset<Row> urlThemes) {
    return pageviews.join(urlThemes, "url")
        .filter(col("theme").isNotNull().and(col("theme").notEqual(lit("unknown"))))
        .groupBy("user_id", "day", "theme").count()
        .groupBy("user_id", "day")
        .agg(map_from_entries(collect_list(struct(col("theme"), col("count")))).as("theme_pageviews"));
  }

  /** user_daily rows: per user and day (site time zone), with {@link #themePageviews} when there are any. */
  public static Dataset<Row> daily(Dataset<Row> sessions, Dataset<Row> themePageviews) {
    return daily(sessions).join(themePageviews, Metrics.columns("user_id", "day"), "left");
  }

  /** user_daily rows without themes: per user and day (site time zone). */
  public static Dataset<Row> daily(Dataset<Row> sessions) {
    return sessions.groupBy("user_id", "day")
        .agg(sum("events").cast("long").as("events"),
            sum("depth").cast("long").as("pageviews"),
            count(lit(1)).as("sessions"),
            count(when(col("bounced"), lit(1))).as("bounces"),
            sum("searches").cast("long").as("searches"),
            sum("clicks").cast("long").as("clicks"),
            count(when(col("converted"), lit(1))).as("conversions"),
            sum("duration_ms").cast("long").as("time_on_site_ms"),
            min("session_start").as("first_event"),
            max("session_end").as("last_event"))
        .withColumn("month", date_format(col("day"), "yyyy-MM"));
  }

  /**
   * user_lifetime rows from every user_daily row of the users given: recomputed from the days,
   * so a rerun of any window gives the same totals as a run over all of history.
   */
  public static Dataset<Row> lifetime(Dataset<Row> daily) {
    Dataset<Row> themes = daily.select(col("user_id"), explode(col("theme_pageviews")).as(new String[] {"theme", "n"}))
        .groupBy("user_id", "theme").agg(sum("n").as("n"))
        .groupBy("user_id")
        .agg(map_from_entries(collect_list(struct(col("theme"), col("n")))).as("theme_pageviews"));
    return lifetimeTotals(daily).join(themes, Metrics.columns("user_id"), "left");
  }

  private static Dataset<Row> lifetimeTotals(Dataset<Row> daily) {
    return daily.groupBy("user_id")
        .agg(min("first_event").as("first_seen"),
            max("last_event").as("last_seen"),
            countDistinct("day").as("active_days"),
            sum("events").as("events"),
            sum("pageviews").as("pageviews"),
            sum("sessions").as("sessions"),
            sum("bounces").as("bounces"),
            sum("searches").as("searches"),
            sum("clicks").as("clicks"),
            sum("conversions").as("conversions"),
            sum("time_on_site_ms").as("time_on_site_ms"));
  }
}
