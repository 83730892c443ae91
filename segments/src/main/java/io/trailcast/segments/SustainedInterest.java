package io.trailcast.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The sustained-interest rule as a transform: from themed pageviews per person and day to the
 * members of each segment as of a date. A day of age {@code a} (0 = the date itself) weighs
 * {@code 0.5^(a / half_life)}; the score is the theme's share of the person's weighted themed
 * pageviews within the window; a member has a score of at least {@code min_share} and read the
 * theme on at least {@code min_days} distinct days of the window.
 */
public final class SustainedInterest {
  private static final StructType SEGMENTS = new StructType()
      .add("segment", DataTypes.StringType, false)
      .add("theme", DataTypes.StringType, false)
      .add("min_share", DataTypes.DoubleType, false)
      .add("min_days", DataTypes.IntegerType, false)
      .add("window_days", DataTypes.IntegerType, false)
      .add("half_life_days", DataTypes.DoubleType, false);

  private SustainedInterest() {
  }

  /**
   * @param daily (person_id, day, theme_pageviews map) rows; days after {@code date} are ignored
   * @return (segment, person_id, score, days): the members of every segment as of {@code date}
   */
  public static Dataset<Row> members(SparkSession spark, Dataset<Row> daily, List<SegmentDefinitions.Segment> segments,
      LocalDate date) {
    List<Row> rows = new ArrayList<>();
    for (SegmentDefinitions.Segment s : segments) {
      rows.add(RowFactory.create(s.name(), s.theme(), s.minShare(), s.minDays(), s.windowDays(), s.halfLifeDays()));
    }
    Dataset<Row> defined = spark.createDataFrame(rows, SEGMENTS);
    Dataset<Row> aged = daily.withColumn("age", datediff(lit(Date.valueOf(date)), col("day")))
        .filter(col("age").geq(0));
    Dataset<Row> themed = aged.select(col("person_id"), col("day"), col("age"),
        explode(col("theme_pageviews")).as(new String[] {"theme", "n"}));
    Dataset<Row> theme = themed.join(defined, "theme").filter(col("age").lt(col("window_days")))
        .groupBy("segment", "person_id")
        .agg(sum(col("n").multiply(weight())).as("theme_weight"), countDistinct("day").as("days"));
    Dataset<Row> all = themed.groupBy("person_id", "day", "age").agg(sum("n").as("n"))
        .crossJoin(defined.select("segment", "window_days", "half_life_days"))
        .filter(col("age").lt(col("window_days")))
        .groupBy("segment", "person_id").agg(sum(col("n").multiply(weight())).as("all_weight"));
    return theme.join(all, new String[] {"segment", "person_id"})
        .join(defined.select("segment", "min_share", "min_days"), "segment")
        .withColumn("score", col("theme_weight").divide(col("all_weight")))
        .filter(col("score").geq(col("min_share")).and(col("days").geq(col("min_days"))))
        .select(col("segment"), col("person_id"), col("score"), col("days").cast(DataTypes.IntegerType).as("days"));
  }

  private static org.apache.spark.sql.Column weight() {
    return pow(lit(0.5), col("age").divide(col("half_life_days")));
  }
}
