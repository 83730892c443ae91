package io.trailcast.aggregate.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.testing.TestSpark;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConnectedComponentsIT {
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.local();
  }

  private static Dataset<Row> nodes(Object... idAndDay) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < idAndDay.length; i += 2) {
      rows.add(RowFactory.create(idAndDay[i], Timestamp.valueOf("2026-01-" + idAndDay[i + 1] + " 00:00:00")));
    }
    return spark.createDataFrame(rows, new StructType().add("identifier", DataTypes.StringType)
        .add("first_seen", DataTypes.TimestampType));
  }

  private static Dataset<Row> edges(String... pairs) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      rows.add(RowFactory.create(pairs[i], pairs[i + 1]));
    }
    return spark.createDataFrame(rows, new StructType().add("identifier", DataTypes.StringType)
        .add("other", DataTypes.StringType));
  }

  private static Map<String, String> components(ConnectedComponents.Result result) {
    Map<String, String> out = new TreeMap<>();
    for (Row row : result.components().collectAsList()) {
      out.put(row.getString(0), row.getString(1));
    }
    return out;
  }

  @Test
  void aChainTakesItsOldestIdentifierWhateverTheOrderOfItsEdges() {
    // c1 - e1 - c2 - e2 - c3, a path of 5 whose oldest node (c2, day 01) sits in the middle; x alone.
    ConnectedComponents.Result result = ConnectedComponents.of(
        nodes("c1", "05", "e1", "03", "c2", "01", "e2", "04", "c3", "02", "x", "09"),
        edges("c3", "e2", "e1", "c1", "c2", "e1", "e2", "c2"), 10);
    assertEquals(Map.of("c1", "c2", "e1", "c2", "c2", "c2", "e2", "c2", "c3", "c2", "x", "x"), components(result));
    assertTrue(result.converged());
    assertEquals(3, result.rounds(), "2 rounds carry c2 to both ends, the 3rd changes nothing");
  }

  @Test
  void tiesOnFirstSeenGoToTheSmallestIdentifierAndTwoComponentsStayApart() {
    ConnectedComponents.Result result = ConnectedComponents.of(
        nodes("b", "01", "a", "01", "c", "02", "d", "02", "e", "02"),
        edges("b", "a", "c", "d", "d", "e"), 10);
    assertEquals(Map.of("a", "a", "b", "a", "c", "c", "d", "c", "e", "c"), components(result));
  }

  @Test
  void stoppedBeforeConvergingItSaysSoAndMergesNothingWrongly() {
    ConnectedComponents.Result result = ConnectedComponents.of(
        nodes("n1", "01", "n2", "02", "n3", "03", "n4", "04", "n5", "05"),
        edges("n1", "n2", "n2", "n3", "n3", "n4", "n4", "n5"), 2);
    assertFalse(result.converged());
    assertEquals(2, result.rounds());
    Map<String, String> labels = components(result);
    assertEquals("n1", labels.get("n3"));
    assertEquals("n3", labels.get("n5"), "two hops away from n1 after two rounds: not yet reached");
  }
}
