package io.trailcast.aggregate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Bounce and search metrics from sessions (DESIGN.md "Bounce" and "Search CTR"). Bot sessions are
 * left out of every rate and counted apart.
 */
public final class Metrics {
  private static final int DEPTH_BUCKETS = 10;

  private Metrics() {
  }

  /**
   * Per site, day and landing page, over sessions with at least one pageview: sessions (entries),
   * bounces, bounce_rate, engaged_sessions, engaged_bounce_rate, avg_depth, depth_counts (1..9, 10+),
   * bot_sessions, channel_sessions and channel_bounces (per channel that brought them, channels without
   * sessions left out).
   */
  public static Dataset<Row> pages(Dataset<Row> sessions) {
    return pages(sessions, "day");
  }

  /**
   * {@link #pages(Dataset)} per site, {@code window} and landing page: {@code window} names the
   * column that says which time window a session belongs to (its start day, or a live hour).
   */
  public static Dataset<Row> pages(Dataset<Row> sessions, String window) {
    Column human = not(col("bot"));
    Column[] depths = new Column[DEPTH_BUCKETS];
    for (int d = 1; d <= DEPTH_BUCKETS; d++) {
      Column inBucket = d < DEPTH_BUCKETS ? col("depth").equalTo(d) : col("depth").geq(d);
      depths[d - 1] = count(when(human.and(inBucket), lit(1))).as("depth_" + d);
    }
    Column[] aggregates = new Column[7 + DEPTH_BUCKETS - 1];
    aggregates[0] = count(when(human.and(col("bounced")), lit(1))).as("bounces");
    aggregates[1] = count(when(human.and(col("engaged")), lit(1))).as("engaged_sessions");
    aggregates[2] = avg(when(human, col("depth"))).as("avg_depth");
    aggregates[3] = count(when(col("bot"), lit(1))).as("bot_sessions");
    aggregates[4] = perChannel(human).as("channel_sessions");
    aggregates[5] = perChannel(human.and(col("bounced"))).as("channel_bounces");
    System.arraycopy(depths, 0, aggregates, 6, DEPTH_BUCKETS);
    Column[] depthColumns = new Column[DEPTH_BUCKETS];
    String[] depthNames = new String[DEPTH_BUCKETS];
    for (int d = 1; d <= DEPTH_BUCKETS; d++) {
      depthColumns[d - 1] = col("depth_" + d);
      depthNames[d - 1] = "depth_" + d;
    }
    return sessions.filter(col("depth").geq(1))
        .groupBy("site", window, "landing_page")
        .agg(count(when(human, lit(1))).as("sessions"), aggregates)
        .withColumn("bounce_rate", ratio(col("bounces"), col("sessions")))
        .withColumn("engaged_bounce_rate",
            when(col("sessions").gt(0), lit(1).minus(ratio(col("engaged_sessions"), col("sessions")))))
        .withColumn("depth_counts", array(depthColumns))
        .drop(depthNames);
  }

  /**
   * Per site and day, for all searches (query {@code *}) and for each query: searches,
   * searches_with_click, search_ctr (null when there was no search), clicks, clicks_per_search,
   * zero_click_searches, search_exits.
   */
  public static Dataset<Row> search(Dataset<Row> sessions) {
    return search(sessions, "day");
  }

  /** {@link #search(Dataset)} per site and {@code window} (a column, as in {@link #pages(Dataset, String)}). */
  public static Dataset<Row> search(Dataset<Row> sessions, String window) {
    Dataset<Row> human = sessions.filter(not(col("bot")));
    Dataset<Row> total = human.groupBy("site", window)
        .agg(sum("searches").cast("long").as("searches"),
            sum("searches_with_click").cast("long").as("searches_with_click"),
            sum("clicks").cast("long").as("clicks"),
            count(when(col("search_exit"), lit(1))).as("search_exits"))
        .withColumn("query", lit("*"));
    Dataset<Row> perQuery = human.select(col("site"), col(window), explode(col("search_outcomes")).as("s"))
        .groupBy(col("site"), col(window), col("s.query").as("query"))
        .agg(count(lit(1)).as("searches"),
            count(when(col("s.clicks").gt(0), lit(1))).as("searches_with_click"),
            sum("s.clicks").cast("long").as("clicks"),
            count(when(col("s.exit"), lit(1))).as("search_exits"));
    return total.unionByName(perQuery)
        .withColumn("search_ctr", ratio(col("searches_with_click"), col("searches")))
        .withColumn("clicks_per_search", ratio(col("clicks"), col("searches")))
        .withColumn("zero_click_searches", col("searches").minus(col("searches_with_click")));
  }

  /**
   * Per site and day (with its month, the partition): sessions, users, sessions_with_pageview,
   * pageviews, bounces, bounce_rate, engaged_sessions, engaged_bounce_rate (both over sessions with
   * a pageview), avg_depth (same sessions), avg_duration_ms, conversions, conversion_rate (per
   * session), searches, end_reasons (sessions per end reason), bot_sessions and bot_rules (bot sessions per
   * rule that made them bots); per channel that brought them: channel_sessions, channel_landings (with a
   * pageview), channel_bounces and channel_conversions. Bots only in bot_sessions and bot_rules.
   */
  public static Dataset<Row> sessions(Dataset<Row> sessions) {
    Column human = not(col("bot"));
    Column withPageview = human.and(col("depth").geq(1));
    Dataset<Row> totals = sessions.groupBy("site", "day")
        .agg(count(when(human, lit(1))).as("sessions"),
            countDistinct(when(human, col("user_id"))).as("users"),
            count(when(withPageview, lit(1))).as("sessions_with_pageview"),
            coalesce(sum(when(human, col("depth"))), lit(0)).cast("long").as("pageviews"),
            count(when(withPageview.and(col("bounced")), lit(1))).as("bounces"),
            count(when(withPageview.and(col("engaged")), lit(1))).as("engaged_sessions"),
            avg(when(withPageview, col("depth"))).as("avg_depth"),
            avg(when(human, col("duration_ms"))).as("avg_duration_ms"),
            count(when(human.and(col("converted")), lit(1))).as("conversions"),
            coalesce(sum(when(human, col("searches"))), lit(0)).cast("long").as("searches"),
            count(when(col("bot"), lit(1))).as("bot_sessions"),
            perChannel(human).as("channel_sessions"),
            perChannel(withPageview).as("channel_landings"),
            perChannel(withPageview.and(col("bounced"))).as("channel_bounces"),
            perChannel(human.and(col("converted"))).as("channel_conversions"));
    Dataset<Row> reasons = sessions.filter(human)
        .groupBy("site", "day", "end_reason").count()
        .groupBy("site", "day")
        .agg(map_from_entries(collect_list(struct(col("end_reason"), col("count")))).as("end_reasons"));
    Dataset<Row> botRules = sessions.filter(col("bot"))
        .groupBy("site", "day", "bot_rule").count()
        .groupBy("site", "day")
        .agg(map_from_entries(collect_list(struct(col("bot_rule"), col("count")))).as("bot_rules"));
    // A join on column names: both sides come from `sessions`, so their columns would be ambiguous.
    return totals.join(reasons, columns("site", "day"), "left")
        .join(botRules, columns("site", "day"), "left")
        .withColumn("month", date_format(col("day"), "yyyy-MM"))
        .withColumn("bounce_rate", ratio(col("bounces"), col("sessions_with_pageview")))
        .withColumn("engaged_bounce_rate",
            when(col("sessions_with_pageview").gt(0), lit(1).minus(ratio(col("engaged_sessions"),
                col("sessions_with_pageview")))))
        .withColumn("conversion_rate", ratio(col("conversions"), col("sessions")));
  }

  /**
   * Sessions matching {@code condition} per channel (docs/definitions.md "Channel"), as a map without the
   * channels that have none: one conditional count per channel in the same aggregation, no shuffle of its own.
   */
  static Column perChannel(Column condition) {
    Column[] entries = new Column[2 * io.trailcast.aggregate.sessions.Channels.ALL.size()];
    int i = 0;
    for (String channel : io.trailcast.aggregate.sessions.Channels.ALL) {
      entries[i++] = lit(channel);
      entries[i++] = count(when(condition.and(col("channel").equalTo(channel)), lit(1)));
    }
    return map_filter(map(entries), (k, v) -> v.gt(0));
  }

  /** Column names as the Scala sequence of a join on equal names. */
  static scala.collection.immutable.Seq<String> columns(String... names) {
    return scala.collection.JavaConverters.asScalaBuffer(java.util.List.of(names)).toList();
  }

  /** {@code part / whole}, null (not 0, not NaN) when there is nothing to divide by. */
  private static Column ratio(Column part, Column whole) {
    return when(whole.gt(0), part.divide(whole));
  }
}
