package io.trailcast.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trailcast.core.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The segment rule on hand-written days, with the exact members and scores expected. */
class SustainedInterestIT {
  private static final LocalDate D = LocalDate.of(2026, 1, 28);
  private static final StructType DAILY = new StructType().add("person_id", DataTypes.StringType)
      .add("day", DataTypes.DateType)
      .add("theme_pageviews", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType));
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.local();
  }

  private static Row day(String person, int age, Map<String, Long> themes) {
    return RowFactory.create(person, Date.valueOf(D.minusDays(age)), themes);
  }

  private static double w(int age) {
    return Math.pow(0.5, age / 7.0);
  }

  @Test
  void theDecayedShareAndTheDaysDecide() {
    List<Row> rows = new ArrayList<>();
    // ann: mostly music on 3 days.
    rows.add(day("ann", 0, Map.of("music", 2L)));
    rows.add(day("ann", 7, Map.of("music", 1L, "sport", 1L)));
    rows.add(day("ann", 14, Map.of("music", 1L)));
    // bob: only music, but on 2 days.
    rows.add(day("bob", 0, Map.of("music", 5L)));
    rows.add(day("bob", 1, Map.of("music", 5L)));
    // cid: much music three weeks ago, a little sport in the last 3 days: recent days weigh more.
    for (int age : new int[] {20, 21, 22}) {
      rows.add(day("cid", age, Map.of("music", 4L)));
    }
    for (int age : new int[] {0, 1, 2}) {
      rows.add(day("cid", age, Map.of("sport", 1L)));
    }
    // dan: music on 3 days, 2 of them older than the window; and a day after the date, ignored.
    rows.add(day("dan", 0, Map.of("music", 1L)));
    rows.add(day("dan", 28, Map.of("music", 3L)));
    rows.add(day("dan", 30, Map.of("music", 3L)));
    rows.add(day("dan", -1, Map.of("music", 9L)));
    SegmentDefinitions definitions = SegmentDefinitions.defaults(java.util.Set.of("music", "sport", "cooking",
        "travel", "technology", "finance", "fashion", "cinema"));

    Map<String, Double> members = new TreeMap<>();
    for (Row r : SustainedInterest.members(spark, spark.createDataFrame(rows, DAILY), definitions.segments(), D)
        .collectAsList()) {
      members.put(r.getString(0) + " " + r.getString(1), r.getDouble(2));
    }
    double annAll = 2 * w(0) + 2 * w(7) + w(14);
    double cidMusic = 4 * (w(20) + w(21) + w(22));
    double cidSport = w(0) + w(1) + w(2);
    assertEquals(List.of("theme:music ann", "theme:music cid", "theme:sport cid"), List.copyOf(members.keySet()));
    assertEquals((2 * w(0) + w(7) + w(14)) / annAll, members.get("theme:music ann"), 1e-12);
    assertEquals(cidMusic / (cidMusic + cidSport), members.get("theme:music cid"), 1e-12);
    assertEquals(cidSport / (cidMusic + cidSport), members.get("theme:sport cid"), 1e-12,
        "0.64 with decay; 3 of 15 pageviews (0.2) without");
  }
}
