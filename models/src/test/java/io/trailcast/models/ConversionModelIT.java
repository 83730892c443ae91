package io.trailcast.models;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.aggregate.testing.SimulatedWeek;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.SiteConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated week (sessions, themes) → the conversion model, its evaluation, reload and scores. */
class ConversionModelIT {
  private static final LocalDate START = SimulatedWeek.START;
  private static final LocalDate END = SimulatedWeek.END;
  private static SimulatedWeek week;
  @TempDir
  static Path tmp;
  private static CassandraTarget target;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    week = SimulatedWeek.get();
    target = week.target;
    // Not stopped: a later test class of this JVM gets it again rather than a new one.
    spark = TestSpark.connectedTo(target);
  }

  @Test
  void theModelComesCloseToTheBayesAucAndShuffledLabelsGiveChance() {
    List<String> funnel = SiteConfig.defaults().funnel();
    ModelJob.Trained trained = ModelJob.train(spark, store(target), START, END,
        ConversionModel.Settings.of("all"), funnel, 2, tmp.resolve("models"));
    assertTrue(trained.metrics().positives() > 20, "converted trails evaluated: " + trained.metrics().positives());
    ModelRegistry.Recorded recorded = ModelRegistry.model(store(target).cql(), null);
    assertEquals(trained.version(), recorded.version());

    // Every family searched and recorded; the one kept has the best cross-validated AUC, and its held-out
    // figures are the model's.
    assertEquals(ConversionModel.FAMILIES, recorded.families().stream().map(ModelRegistry.FamilyFigures::family)
        .toList());
    ModelRegistry.FamilyFigures kept = recorded.families().stream()
        .max(java.util.Comparator.comparingDouble(ModelRegistry.FamilyFigures::cvRocAuc)).orElseThrow();
    assertEquals(trained.fitted().algorithm(), kept.family(), recorded.families().toString());
    assertEquals(trained.metrics().rocAuc(), kept.rocAuc(), 1e-12);
    // Some 470 training trails: trees and the perceptron are no better than logistic here (the 2 M-line figures
    // are in docs/BENCHMARKS.md), so only that each family was fitted, evaluated and timed; under
    // SMALL_SEARCH_ROWS they try their smaller setting alone.
    for (ModelRegistry.FamilyFigures f : recorded.families()) {
      assertTrue(f.rocAuc() > 0 && f.rocAuc() < 1 && f.prAuc() > 0 && f.seconds() > 0 && !f.chosen().isEmpty(),
          f.toString());
    }
    Map<String, String> chosen = new java.util.HashMap<>();
    recorded.families().forEach(f -> chosen.put(f.family(), f.chosen()));
    assertTrue(chosen.get("gbt").contains("maxDepth=3") && chosen.get("mlp").contains("[8]")
        && !chosen.get("mlp").contains("32"), chosen.toString());

    // The score after k actions: each k counts the held-out trails that reached their k-th interactive event,
    // fewer as k grows; its AUC is MLlib's on the same scores; the first action says less than the whole trail.
    List<double[]> actions = recorded.curves().afterActions();
    assertEquals(AfterActions.MAX, actions.size());
    assertEquals(trained.metrics().n(), (long) actions.get(0)[1], "every evaluated trail has a first action");
    for (int k = 1; k < actions.size(); k++) {
      assertEquals(k + 1, (int) actions.get(k)[0]);
      assertTrue(actions.get(k)[1] <= actions.get(k - 1)[1] && actions.get(k)[2] <= actions.get(k - 1)[2]);
    }
    assertTrue(actions.get(0)[3] < trained.metrics().rocAuc() - 0.05, "one action " + actions.get(0)[3] + " vs the "
        + "whole trail " + trained.metrics().rocAuc());
    Dataset<Row> third = ConversionModel.score(trained.fitted().model(), Trails.prefixes(spark, target,
        trained.splitDay(), END, new TrailScorer.Rules(funnel, 2), 3).filter(col("actions").equalTo(3)));
    assertEquals(actions.get(2)[1], third.count());
    BinaryClassificationEvaluator mllib = new BinaryClassificationEvaluator().setLabelCol("label")
        .setRawPredictionCol("p");
    assertEquals(mllib.evaluate(third), actions.get(2)[3], 1e-9, "ROC AUC after 3 actions");
    assertEquals(mllib.setMetricName("areaUnderPR").evaluate(third), actions.get(2)[4], 1e-9, "PR AUC after 3");
    List<AfterActions> withTruth = ModelJob.afterActions(spark, target, TrailScorer.load(recorded),
        trained.splitDay(), END, week.traffic(), SimulatedWeek.SALT);
    assertEquals(actions.get(0)[3], withTruth.get(0).rocAuc(), 1e-12);
    assertTrue(withTruth.get(0).matched() >= 0.97 * withTruth.get(0).sessions(), withTruth.get(0).toString());
    assertTrue(withTruth.get(0).bayesAuc() > withTruth.get(0).matchedRocAuc(), "the whole visit's probability "
        + "knows more than the first action: " + withTruth.get(0));

    // Against the simulator's own probabilities on the same held-out sessions. A small window
    // (600 persons, 4 training days, ~700 trails): the 0.98 of Bayes is measured on more data
    // (docs/BENCHMARKS.md); with this few trails the model reaches about 0.85 of it.
    ModelJob.TruthComparison truth = ModelJob.compareWithTruth(spark, target, recorded, week.traffic(),
        SimulatedWeek.SALT);
    assertEquals(trained.metrics().n(), truth.scored(), "the evaluation's sessions");
    assertTrue(truth.matched() >= 0.97 * truth.scored(), truth.matched() + " of " + truth.scored() + " matched");
    assertTrue(truth.ratio() >= 0.8, truth + ": model " + truth.rocAuc() + " vs Bayes " + truth.bayesAuc() + "; top "
        + trained.topFeatures());

    // Every trail is a true session with its true label: matched by user id and start, labels agree.
    Dataset<Row> trails = Trails.of(spark, target, START, END, funnel, 2).cache();
    Dataset<Row> known = trails.join(SimulatorTruth.sessions(spark, week.traffic(), SimulatedWeek.SALT),
        new String[] {"user_id", "session_start"});
    assertTrue(known.count() >= 0.97 * trails.count(), known.count() + " of " + trails.count());
    assertEquals(0, known.filter("(label = 1.0) != truth_converted").count(), "labels differing from the truth");

    // A later window alone gives its trails the features the whole window gives them: what the
    // user did before it comes from user_daily, as in a daily scoring run.
    LocalDate later = START.plusDays(3);
    Dataset<Row> alone = Trails.of(spark, target, later, END, funnel, 2);
    Dataset<Row> inWhole = trails.filter(col("day").geq(java.sql.Date.valueOf(later)));
    assertTrue(alone.count() > 100);
    assertEquals(rows(inWhole), rows(alone));

    // No feature sees the conversion: with labels shuffled the model has nothing to learn. The
    // pipeline the search chose, refitted once (the search itself is what the fit above tested).
    Dataset<Row> shuffled = trails.withColumn("label", when(rand(5).lt(0.08), 1.0).otherwise(0.0))
        .withColumn("weight", lit(1.0));
    Dataset<Row> train = shuffled.filter(col("day").lt(java.sql.Date.valueOf(trained.splitDay())));
    Dataset<Row> test = shuffled.filter(col("day").geq(java.sql.Date.valueOf(trained.splitDay())));
    List<PipelineStage> stages = ConversionModel.trailFeatures();
    ConversionModel.FamilyFit logistic = trained.fitted().families().get(0);
    stages.add(new LogisticRegression().setFeaturesCol("features").setLabelCol("label").setWeightCol("weight")
        .setMaxIter(100).setRegParam(Double.parseDouble(logistic.params().get("regParam"))));
    PipelineModel noise = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(train);
    double shuffledAuc = ConversionModel.evaluate(ConversionModel.score(noise, test), 0.5).rocAuc();
    assertTrue(Math.abs(shuffledAuc - 0.5) < 0.08, "shuffled labels: AUC " + shuffledAuc);

    // A reloaded model scores identically.
    PipelineModel reloaded = PipelineModel.load(trained.path().toString());
    List<Double> before = scores(ConversionModel.score(trained.fitted().model(), test));
    List<Double> after = scores(ConversionModel.score(reloaded, test));
    assertEquals(before, after);

    // The one scorer of batch, stream and serve, plain Java on one trail, gives MLlib's own
    // probability on every trail of the week: for the saved model, each family's (logistic, trees, a
    // perceptron on standardised inputs), and the noise one.
    TrailScorer.Rules rules = new TrailScorer.Rules(funnel, 2);
    // model train left the scorer beside the pipeline: what load reads, without a Spark job.
    assertTrue(java.nio.file.Files.isRegularFile(trained.path().resolve(TrailScorer.SIDECAR)));
    assertScoresEqualMllib(reloaded, TrailScorer.load(recorded), trails);
    for (ConversionModel.FamilyFit family : trained.fitted().families()) {
      TrailScorer scorer = TrailScorer.of(family.family(), family.model(), rules);
      assertScoresEqualMllib(family.model(), scorer, trails);
      assertEquals(3, scorer.score(Trails.features(trails.first())).topFeatures().size(), family.family());
    }
    assertScoresEqualMllib(noise, TrailScorer.of("noise", noise, rules), trails);

    // Scores are written for every scorable session, readable per user with one query.
    long written = ModelJob.score(spark, store(target), END, END, recorded);
    long scorable = trails.filter(col("day").equalTo(java.sql.Date.valueOf(END))).count();
    assertEquals(scorable, written);
    try (CqlSession session = CqlSessions.open(target)) {
      com.datastax.oss.driver.api.core.cql.Row any = session.execute("SELECT user_id, month FROM conversion_scores "
          + "LIMIT 1").one();
      com.datastax.oss.driver.api.core.cql.Row newest = session.execute("SELECT score, model_version, features_used "
          + "FROM conversion_scores WHERE user_id = ? AND month = ? LIMIT 1", any.getString(0), any.getString(1)).one();
      assertTrue(newest.getDouble(0) > 0 && newest.getDouble(0) < 1);
      assertEquals(trained.version(), newest.getString(1));
      assertEquals(3, newest.getList(2, String.class).size(), newest.getList(2, String.class).toString());
    }
    trails.unpersist();
  }

  private static void assertScoresEqualMllib(PipelineModel model, TrailScorer scorer, Dataset<Row> trails) {
    List<Row> rows = ConversionModel.score(model, trails).collectAsList();
    assertTrue(rows.size() > 1000, rows.size() + " trails");
    double worst = 0;
    for (Row row : rows) {
      double mllib = row.getDouble(row.fieldIndex("p"));
      TrailFeatures.Features f = Trails.features(row);
      assertEquals(row.get(row.fieldIndex("features")), scorer.vector(f), "the assembled vector of "
          + row.getString(1));
      worst = Math.max(worst, Math.abs(mllib - scorer.probability(f)));
    }
    assertTrue(worst <= 1e-9, scorer.version() + ": largest difference from MLlib " + worst);
  }

  private static List<String> rows(Dataset<Row> trails) {
    List<String> out = new ArrayList<>();
    for (Row row : trails.orderBy("session_id").collectAsList()) {
      out.add(row.mkString("|"));
    }
    return out;
  }

  private static List<Double> scores(Dataset<Row> scored) {
    List<Double> out = new ArrayList<>();
    for (Row row : scored.orderBy("session_id").select("p").collectAsList()) {
      out.add(row.getDouble(0));
    }
    return out;
  }
}
