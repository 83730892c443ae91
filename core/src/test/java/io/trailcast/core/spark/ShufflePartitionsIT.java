package io.trailcast.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.trailcast.core.testing.TestSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ShufflePartitionsIT {
  private static final String QUERY = "SELECT id % 3 AS k, count(*) AS n, sum(id) AS s FROM range(100) GROUP BY 1 "
      + "ORDER BY 1";

  @Test
  void aSmallRunIsInterpretedALargeOneCompiledAndTheSessionGetsItsSettingsBack() {
    SparkSession spark = TestSpark.local();
    String partitions = spark.conf().get("spark.sql.shuffle.partitions");
    List<Row> compiled = spark.sql(QUERY).collectAsList();

    List<String> small = ShufflePartitions.with(spark, 1, () -> List.of(
        spark.conf().get("spark.sql.shuffle.partitions"), spark.conf().get("spark.sql.codegen.wholeStage"),
        spark.conf().get("spark.sql.codegen.factoryMode")));
    assertEquals(List.of("1", "false", "NO_CODEGEN"), small);
    assertEquals(compiled, ShufflePartitions.with(spark, 1, () -> spark.sql(QUERY).collectAsList()),
        "interpreted, the same rows");

    List<String> large = ShufflePartitions.with(spark, ShufflePartitions.INTERPRETED_UP_TO + 1,
        () -> List.of(spark.conf().get("spark.sql.codegen.wholeStage"),
            spark.conf().get("spark.sql.codegen.factoryMode")));
    assertEquals(List.of("true", "FALLBACK"), large);

    assertEquals(partitions, spark.conf().get("spark.sql.shuffle.partitions"));
    assertEquals("true", spark.conf().get("spark.sql.codegen.wholeStage"));
    assertFalse(spark.conf().contains("spark.sql.codegen.factoryMode"), "unset again, as before");
  }
}
