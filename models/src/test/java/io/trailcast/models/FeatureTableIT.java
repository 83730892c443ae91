package io.trailcast.models;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestSpark;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model train --features}: a CRM-like export with a known logistic truth, gaps and bad labels. */
class FeatureTableIT {
  @TempDir
  static Path tmp;
  private static CassandraTarget target;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    target = TestCassandra.keyspaceFor(FeatureTableIT.class);
    spark = TestSpark.connectedTo(target);
  }

  /**
   * 3,000 accounts: visits (a count, 5 % missing), plan (text), region (a numeric code), an id to
   * ignore, and "converted" drawn from a logistic function of them; 3 rows have no usable label.
   * Returns the true probabilities with the labels, for the Bayes AUC.
   */
  private static List<Row> writeTable(Path csv) throws IOException {
    Random random = new Random(11);
    List<String> plans = List.of("free", "pro", "team");
    List<Row> truth = new ArrayList<>();
    try (Writer out = Files.newBufferedWriter(csv)) {
      out.write("account_id,visits,plan,region,converted\n");
      for (int i = 0; i < 3000; i++) {
        int visits = random.nextInt(30);
        String plan = plans.get(random.nextInt(3));
        int region = 1 + random.nextInt(4);
        double logit = -2.5 + 0.12 * visits + (plan.equals("pro") ? 1.2 : plan.equals("team") ? 0.6 : 0)
            + (region == 3 ? 0.8 : 0);
        double p = 1 / (1 + Math.exp(-logit));
        boolean converted = random.nextDouble() < p;
        truth.add(RowFactory.create(converted ? 1.0 : 0.0, p));
        out.write(String.format(Locale.ROOT, "a%04d,%s,%s,%d,%s%n", i, random.nextDouble() < 0.05 ? "" : visits, plan,
            region, converted ? "yes" : "no"));
      }
      out.write("a9001,4,free,2,maybe\na9002,7,pro,1,\na9003,1,team,3,unknown\n");
    }
    return truth;
  }

  @Test
  void aFeatureTableTrainsLikeTrailsAndReportsTheSameMetrics() throws IOException {
    Path csv = tmp.resolve("accounts.csv");
    List<Row> truth = writeTable(csv);
    double bayes = new BinaryClassificationEvaluator().setRawPredictionCol("p").evaluate(spark.createDataFrame(
        truth, new StructType().add("label", DataTypes.DoubleType).add("p", DataTypes.DoubleType)));

    FeatureTable.Table table = FeatureTable.read(spark, csv, "converted", Set.of("region"), Set.of("account_id"));
    assertEquals(List.of("visits"), table.numeric());
    assertEquals(List.of("plan", "region"), table.categorical());
    assertEquals(3003, table.rowsRead());
    assertEquals(3, table.withoutLabel(), "maybe, empty and unknown are no label: counted and left out");

    ModelJob.Trained trained = ModelJob.train(store(target), table, csv.toString(),
        ConversionModel.Settings.of("logistic"), tmp.resolve("models"));
    assertTrue(trained.metrics().rocAuc() >= 0.93 * bayes, trained.metrics().rocAuc() + " vs Bayes " + bayes);
    assertEquals(3000, trained.trainRows() + trained.metrics().n());
    List<String> top = trained.topFeatures().stream().map(Map.Entry::getKey).limit(3).toList();
    assertTrue(top.contains("plan=pro") && top.contains("region=3"), "top features " + trained.topFeatures());

    ModelRegistry.Recorded recorded = ModelRegistry.anyModel(store(target).cql(), trained.version());
    assertEquals(ModelRegistry.TABLE, recorded.kind());
    assertEquals(trained.metrics().rocAuc(), recorded.metrics().get("roc_auc"), 1e-12);
    UserException notForSessions = assertThrows(UserException.class,
        () -> ModelRegistry.model(store(target).cql(), trained.version()));
    assertTrue(notForSessions.getMessage().contains("feature table"), notForSessions.getMessage());
  }

  @Test
  void semicolonsTabsAndEveryLabelSpellingAreRead() throws IOException {
    Path semicolons = tmp.resolve("bank.csv");
    Files.writeString(semicolons, "\"age\";\"job\";\"balance\";\"y\"\n30;\"admin.\";1787;\"no\"\n"
        + "33;\"services\";;\"yes\"\n35;\"unknown\";1350;\"no\"\n");
    FeatureTable.Table bank = FeatureTable.read(spark, semicolons, "y", Set.of(), Set.of());
    assertEquals(List.of("age", "balance"), bank.numeric());
    assertEquals(List.of("job"), bank.categorical());
    assertEquals(List.of(0.0, 1.0, 0.0), bank.rows().select("label").as(org.apache.spark.sql.Encoders.DOUBLE())
        .collectAsList());
    assertEquals(1, bank.rows().filter("balance IS NULL").count(), "an empty cell is a missing number");

    Path tabs = tmp.resolve("crm.tsv");
    Files.writeString(tabs, "visits\tplan\tbought\n3\tfree\tTRUE\n5\tpro\tFALSE\n2\tpro\tTrue\n4\tfree\t\n");
    FeatureTable.Table crm = FeatureTable.read(spark, tabs, "bought", Set.of(), Set.of());
    assertEquals(List.of(1.0, 0.0, 1.0), crm.rows().select("label").as(org.apache.spark.sql.Encoders.DOUBLE())
        .collectAsList());
    assertEquals(1, crm.withoutLabel(), "an empty label is counted and left out");

    Path ones = tmp.resolve("ones.csv");
    Files.writeString(ones, "visits,plan,converted\n3,free,1\n5,pro,0\n2,pro,0\n");
    assertEquals(List.of(1.0, 0.0, 0.0), FeatureTable.read(spark, ones, "converted", Set.of(), Set.of()).rows()
        .select("label").as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList());
  }

  @Test
  void unusableTablesGiveOneLineErrors() throws IOException {
    Path csv = tmp.resolve("one-class.csv");
    Files.writeString(csv, "visits,plan,converted\n3,free,no\n5,pro,no\n");
    assertTrue(assertThrows(UserException.class, () -> FeatureTable.read(spark, csv, "converted", Set.of(), Set.of()))
        .getMessage().contains("one class only"));
    assertTrue(assertThrows(UserException.class, () -> FeatureTable.read(spark, csv, "bought", Set.of(), Set.of()))
        .getMessage().contains("column 'bought' is not in one-class.csv (columns: visits, plan, converted)"));
    assertTrue(assertThrows(UserException.class, () -> FeatureTable.read(spark, tmp.resolve("none.csv"), "converted",
        Set.of(), Set.of())).getMessage().startsWith("no feature table at"));
  }
}
