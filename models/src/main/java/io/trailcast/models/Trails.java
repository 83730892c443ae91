package io.trailcast.models;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.enrich.SessionEvents;
import io.trailcast.ingest.Event;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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

  static {
    StructType schema = new StructType()
        .add("user_id", DataTypes.StringType, false)
        .add("session_id", DataTypes.StringType, false)
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
        .add("landing", DataTypes.StringType);
  }

  private Trails() {
  }

  /**
   * Trails of the human sessions of {@code from..to} with at least {@code minPageviews} pageviews
   * before their cut (conversion or funnel, {@code funnel} regexes on the path).
   */
  public static Dataset<Row> of(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      List<String> funnel, int minPageviews) {
    Dataset<Row> events = SessionEvents.of(spark, target, from, to,
        List.of("url", "action", "interactive", "status", "campaign", "user_agent"),
        List.of("bot", "converted"))
        .filter(not(col("bot")))
        .withColumn("pageview", Event.pageviewColumn());
    Dataset<Row> themes = CassandraTables.lookup(spark, events.select("url").distinct(), target, "url_themes", "url",
        "theme");
    Dataset<Row> sessions = events.join(themes, events.col("url").equalTo(themes.col("url")), "left")
        .groupBy(col("user_id"), col("session_id"))
        .agg(first("day").as("day"), first("session_start").as("session_start"),
            first("session_end").as("session_end"), first("converted").as("converted"),
            sort_array(collect_list(struct(col("ts"), events.col("url"), col("action"), col("pageview"),
                col("campaign"), col("theme"), col("user_agent")))).as("events"));
    WindowSpec byUser = Window.partitionBy("user_id").orderBy("session_start");
    WindowSpec before = byUser.rowsBetween(Window.unboundedPreceding(), -1);
    Dataset<Row> withHistory = sessions
        .withColumn("previous_end", lag("session_end", 1).over(byUser))
        .withColumn("previous_sessions", row_number().over(byUser).minus(1))
        .withColumn("previous_conversions",
            coalesce(sum(when(col("converted"), lit(1)).otherwise(lit(0))).over(before), lit(0L)));
    List<String> patterns = List.copyOf(funnel);
    return withHistory.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      List<Pattern> compiled = patterns.stream().map(Pattern::compile).toList();
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row row = rows.next();
        Row trail = trail(row, compiled, minPageviews);
        if (trail != null) {
          out.add(trail);
        }
      }
      return out.iterator();
    }, org.apache.spark.sql.Encoders.row(SCHEMA));
  }

  private static Row trail(Row row, List<Pattern> funnel, int minPageviews) {
    List<TrailFeatures.Event> events = new ArrayList<>();
    for (Row e : row.<Row>getList(row.fieldIndex("events"))) {
      events.add(new TrailFeatures.Event(e.getTimestamp(0).getTime(), e.getString(1), e.getString(2),
          !e.isNullAt(3) && e.getBoolean(3), e.getString(4), e.getString(5), e.getString(6)));
    }
    int cut = TrailFeatures.cut(events, funnel);
    long start = row.getTimestamp(row.fieldIndex("session_start")).getTime();
    Timestamp previousEnd = row.getTimestamp(row.fieldIndex("previous_end"));
    double days = previousEnd == null ? 30 : (start - previousEnd.getTime()) / 86_400_000.0;
    TrailFeatures.Features f = TrailFeatures.of(events, cut, days, row.getInt(row.fieldIndex("previous_sessions")),
        ((Number) row.get(row.fieldIndex("previous_conversions"))).longValue());
    if (f.pageviews() < minPageviews) {
      return null;
    }
    Object[] values = new Object[SCHEMA.size()];
    int i = 0;
    values[i++] = row.getString(row.fieldIndex("user_id"));
    values[i++] = row.getString(row.fieldIndex("session_id"));
    values[i++] = row.get(row.fieldIndex("day"));
    values[i++] = !row.isNullAt(row.fieldIndex("converted")) && row.getBoolean(row.fieldIndex("converted")) ? 1.0
        : 0.0;
    values[i++] = new Timestamp(f.cutTs());
    values[i++] = f.pageviews();
    for (double x : f.numeric()) {
      values[i++] = x;
    }
    values[i++] = seq(f.sections());
    values[i++] = seq(f.bigrams());
    values[i++] = seq(f.themes());
    values[i] = f.landing();
    return RowFactory.create(values);
  }

  private static scala.collection.Seq<String> seq(List<String> values) {
    return scala.collection.JavaConverters.asScalaBuffer(values).toSeq();
  }
}
