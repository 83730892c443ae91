package io.trailcast.models;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.enrich.SessionEvents;
import io.trailcast.ingest.Event;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row per human session of a window with a scorable trail: its features (TrailFeatures) and
 * its label (converted). The rows training, evaluation and scoring all read.
 */
public final class Trails {
  /** The trail rows' schema: keys, label, the moment scored, then every feature column. */
  public static final StructType SCHEMA;
  /** {@link #SCHEMA} and {@code actions}: the interactive events of the session the trail row stops after. */
  public static final StructType PREFIX_SCHEMA;

  static {
    StructType schema = new StructType()
        .add("user_id", DataTypes.StringType, false)
        .add("session_id", DataTypes.StringType, false)
        .add("session_start", DataTypes.TimestampType)
        .add("day", DataTypes.DateType)
        .add("label", DataTypes.DoubleType)
        .add("scored_at", DataTypes.TimestampType)
        .add("pageviews", DataTypes.IntegerType);
    for (String name : TrailFeatures.NUMERIC) {
      schema = schema.add(name, DataTypes.DoubleType);
    }
    SCHEMA = schema.add("sections", DataTypes.createArrayType(DataTypes.StringType))
        .add("bigrams", DataTypes.createArrayType(DataTypes.StringType))
        .add("themes", DataTypes.createArrayType(DataTypes.StringType))
        .add("landing", DataTypes.createArrayType(DataTypes.StringType));
    PREFIX_SCHEMA = SCHEMA.add("actions", DataTypes.IntegerType);
  }

  private Trails() {
  }

  /**
   * Trails of the human sessions of {@code from..to} with at least {@code minPageviews} pageviews
   * before their cut (conversion or funnel, {@code funnel} regexes on the path).
   */
  public static Dataset<Row> of(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      List<String> funnel, int minPageviews) {
    return of(spark, target, from, to, new TrailScorer.Rules(funnel, minPageviews));
  }

  /** Trails of the human sessions of {@code from..to}, cut and kept by {@code rules} (a model's). */
  public static Dataset<Row> of(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      TrailScorer.Rules rules) {
    return withHistory(spark, target, from, to).mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      List<Pattern> compiled = rules.patterns();
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row row = rows.next();
        Row trail = trail(row, rules, compiled);
        if (trail != null) {
          out.add(trail);
        }
      }
      return out.iterator();
    }, org.apache.spark.sql.Encoders.row(SCHEMA));
  }

  /**
   * The trails as they stood after each of the first {@code maxK} interactive events of every session that
   * {@link #of} gives a trail: a row per (session, k) with k at most the trail's own interactive events, its
   * features those of the events up to the k-th (whatever their pageviews: what the model would say then),
   * its label the session's. Trail rows ({@link #SCHEMA}) with an {@code actions} column, k.
   */
  public static Dataset<Row> prefixes(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      TrailScorer.Rules rules, int maxK) {
    return withHistory(spark, target, from, to).mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      List<Pattern> compiled = rules.patterns();
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        prefixes(rows.next(), rules, compiled, maxK, out);
      }
      return out.iterator();
    }, org.apache.spark.sql.Encoders.row(PREFIX_SCHEMA));
  }

  /** Each session with its events (sorted, themed) and what its user did before it. */
  private static Dataset<Row> withHistory(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to) {
    Dataset<Row> events = SessionEvents.of(spark, target, from, to,
        List.of("source", "line", "event_id", "url", "action", "interactive", "status", "campaign", "user_agent"),
        List.of("bot", "converted"))
        .filter(not(col("bot")))
        .withColumn("pageview", Event.pageviewColumn())
        // The sessions' own order (SessionEvent.ORDER): event time, log position, event id.
        .withColumn("position", concat(col("source"), lit(":"), lpad(col("line").cast("string"), 12, "0")));
    Dataset<Row> themes = CassandraTables.lookup(spark, events.select("url").distinct(), target, "url_themes", "url",
        "theme");
    Dataset<Row> sessions = events.join(themes, events.col("url").equalTo(themes.col("url")), "left")
        .groupBy(col("user_id"), col("session_id"))
        .agg(first("day").as("day"), first("session_start").as("session_start"),
            first("session_end").as("session_end"), first("converted").as("converted"),
            sort_array(collect_list(struct(col("ts"), col("position"), col("event_id"), events.col("url"),
                col("action"), col("interactive"), col("pageview"), col("campaign"), col("theme"),
                col("user_agent")))).as("events"));
    WindowSpec byUser = Window.partitionBy("user_id").orderBy("session_start");
    WindowSpec before = byUser.rowsBetween(Window.unboundedPreceding(), -1);
    // What each session's user did before it: earlier sessions of the window, and before the
    // window what the user's daily aggregates hold, so a window scores as the whole history would.
    return sessions
        .join(priorHistory(spark, target, sessions.select("user_id").distinct(), from), new String[] {"user_id"},
            "left")
        .withColumn("previous_end", coalesce(lag("session_end", 1).over(byUser), col("prior_end")))
        .withColumn("previous_sessions", row_number().over(byUser).minus(1).plus(coalesce(col("prior_sessions"),
            lit(0L))))
        .withColumn("previous_conversions",
            coalesce(sum(when(col("converted"), lit(1)).otherwise(lit(0))).over(before), lit(0L))
                .plus(coalesce(col("prior_conversions"), lit(0L))))
        .withColumn("previous_themes", flatten(collect_list(expr("filter(transform(events, e -> "
            + "IF(e.pageview, e.theme, NULL)), t -> t IS NOT NULL AND t != 'unknown')")).over(before)));
  }

  /**
   * (user_id, prior_sessions, prior_conversions, prior_end, prior_themes) of {@code users} before
   * the day {@code from}, from their {@code user_daily} rows (read by key: the months from the
   * user's first day on); users first seen in the window have no row.
   */
  static Dataset<Row> priorHistory(SparkSession spark, CassandraTarget target, Dataset<Row> users, LocalDate from) {
    java.sql.Date first = java.sql.Date.valueOf(from);
    Dataset<Row> seenBefore = CassandraTables.lookup(spark, users, target, "user_lifetime", "user_id", "first_seen")
        .filter(to_date(col("first_seen")).lt(lit(first)));
    Dataset<Row> months = seenBefore.select(col("user_id"), explode(expr("sequence(trunc(to_date(first_seen), 'MM'), "
        + "trunc(date_sub(DATE'" + from + "', 1), 'MM'), interval 1 month)")).as("m"))
        .select(col("user_id"), date_format(col("m"), "yyyy-MM").as("month")).distinct();
    Dataset<Row> days = CassandraTables.lookup(spark, months, target, "user_daily", "user_id", "day", "sessions",
        "conversions", "last_event", "theme_pageviews").filter(col("day").lt(lit(first)));
    Dataset<Row> totals = days.groupBy("user_id").agg(sum("sessions").as("prior_sessions"),
        sum("conversions").as("prior_conversions"), max("last_event").as("prior_end"));
    Dataset<Row> themes = days.select(col("user_id"), explode(col("theme_pageviews")).as(new String[] {"theme", "n"}))
        .groupBy("user_id", "theme").agg(sum("n").as("n"))
        .groupBy("user_id").agg(map_from_entries(collect_list(struct(col("theme"), col("n")))).as("prior_themes"));
    return totals.join(themes, new String[] {"user_id"}, "left");
  }

  private static Row trail(Row row, TrailScorer.Rules rules, List<Pattern> funnel) {
    TrailFeatures.Features f = rules.trail(events(row), funnel, history(row));
    return f == null ? null : row(row, f);
  }

  private static void prefixes(Row row, TrailScorer.Rules rules, List<Pattern> funnel, int maxK, List<Row> out) {
    List<TrailFeatures.Event> events = events(row);
    TrailFeatures.History history = history(row);
    if (rules.trail(events, funnel, history) == null) {
      return;
    }
    int cut = TrailFeatures.cut(events, funnel);
    int k = 0;
    for (int i = 0; i < cut && k < maxK; i++) {
      if (events.get(i).interactive()) {
        k++;
        Row trail = row(row, TrailFeatures.of(events, i + 1, history));
        Object[] values = new Object[PREFIX_SCHEMA.size()];
        for (int c = 0; c < trail.size(); c++) {
          values[c] = trail.get(c);
        }
        values[values.length - 1] = k;
        out.add(RowFactory.create(values));
      }
    }
  }

  private static List<TrailFeatures.Event> events(Row row) {
    List<TrailFeatures.Event> events = new ArrayList<>();
    for (Row e : row.<Row>getList(row.fieldIndex("events"))) {
      events.add(new TrailFeatures.Event(e.getTimestamp(0).getTime(), e.getString(3), e.getString(4),
          !e.isNullAt(5) && e.getBoolean(5), !e.isNullAt(6) && e.getBoolean(6), e.getString(7),
          e.getString(8), e.getString(9)));
    }
    return events;
  }

  private static TrailFeatures.History history(Row row) {
    long start = row.getTimestamp(row.fieldIndex("session_start")).getTime();
    Timestamp previousEnd = row.getTimestamp(row.fieldIndex("previous_end"));
    double days = previousEnd == null ? 30 : (start - previousEnd.getTime()) / 86_400_000.0;
    Map<String, Long> themePageviews = new HashMap<>();
    if (!row.isNullAt(row.fieldIndex("prior_themes"))) {
      themePageviews.putAll(row.<String, Long>getJavaMap(row.fieldIndex("prior_themes")));
    }
    for (String theme : row.<String>getList(row.fieldIndex("previous_themes"))) {
      themePageviews.merge(theme, 1L, Long::sum);
    }
    return new TrailFeatures.History(days, ((Number) row.get(row.fieldIndex("previous_sessions"))).longValue(),
        ((Number) row.get(row.fieldIndex("previous_conversions"))).longValue(), themePageviews);
  }

  /** The trail row of a session row and features. */
  private static Row row(Row row, TrailFeatures.Features f) {
    return row(row.getString(row.fieldIndex("user_id")), row.getString(row.fieldIndex("session_id")),
        row.getTimestamp(row.fieldIndex("session_start")), row.getDate(row.fieldIndex("day")),
        !row.isNullAt(row.fieldIndex("converted")) && row.getBoolean(row.fieldIndex("converted")) ? 1.0 : 0.0, f);
  }

  /** A trail row ({@link #SCHEMA}) of a session's features: what batch scoring and the streaming job score. */
  public static Row row(String userId, String sessionId, Timestamp sessionStart, java.sql.Date day, double label,
      TrailFeatures.Features f) {
    Object[] values = new Object[SCHEMA.size()];
    int i = 0;
    values[i++] = userId;
    values[i++] = sessionId;
    values[i++] = sessionStart;
    values[i++] = day;
    values[i++] = label;
    values[i++] = new Timestamp(f.cutTs());
    values[i++] = f.pageviews();
    for (double x : f.numeric()) {
      values[i++] = x;
    }
    values[i++] = seq(f.sections());
    values[i++] = seq(f.bigrams());
    values[i++] = seq(f.themes());
    values[i] = seq(List.of(f.landing()));
    return RowFactory.create(values);
  }

  /** The features of a trail row ({@link #SCHEMA}): what a {@link TrailScorer} scores. */
  public static TrailFeatures.Features features(Row row) {
    int first = SCHEMA.fieldIndex(TrailFeatures.NUMERIC.get(0));
    double[] numeric = new double[TrailFeatures.NUMERIC.size()];
    for (int k = 0; k < numeric.length; k++) {
      numeric[k] = row.getDouble(first + k);
    }
    int lists = first + numeric.length;
    return new TrailFeatures.Features(numeric, row.getList(lists), row.getList(lists + 1), row.getList(lists + 2),
        row.<String>getList(lists + 3).get(0), row.getTimestamp(SCHEMA.fieldIndex("scored_at")).getTime(),
        row.getInt(SCHEMA.fieldIndex("pageviews")));
  }

  private static scala.collection.Seq<String> seq(List<String> values) {
    return scala.collection.JavaConverters.asScalaBuffer(values).toSeq();
  }
}
