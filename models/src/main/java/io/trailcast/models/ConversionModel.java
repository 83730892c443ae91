package io.trailcast.models;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The conversion classifier: one MLlib Pipeline from trail rows ({@link Trails}) to a probability,
 * so training and scoring apply the identical transformation. Pages and page bigrams enter as
 * vocabularies (their names stay readable for the top features), the landing section one-hot,
 * then the numeric features; class imbalance is handled by weighting the rare class.
 */
public final class ConversionModel {
  private ConversionModel() {
  }

  /** The fitted pipeline, the algorithm kept, and the parameters the search chose. */
  public record Fitted(PipelineModel model, String algorithm, Map<String, String> params, double cvAuc) {
  }

  /** Metrics on held-out rows. */
  public record Metrics(long n, long positives, double rocAuc, double prAuc, double logLoss, double accuracy,
      double threshold, List<double[]> calibration) {
    public Map<String, Double> asMap() {
      Map<String, Double> map = new LinkedHashMap<>();
      map.put("roc_auc", rocAuc);
      map.put("pr_auc", prAuc);
      map.put("log_loss", logLoss);
      map.put("accuracy", accuracy);
      map.put("threshold", threshold);
      map.put("n", (double) n);
      map.put("positives", (double) positives);
      return map;
    }
  }

  /** Fits on {@code train} with a small cross-validated search; {@code algorithm}: logistic, gbt or auto. */
  public static Fitted fit(Dataset<Row> train, String algorithm, long seed) {
    double positives = train.filter(col("label").equalTo(1.0)).count();
    double total = train.count();
    double weight = positives == 0 ? 1 : (total - positives) / positives;
    Dataset<Row> weighted = train.withColumn("weight", when(col("label").equalTo(1.0), lit(weight)).otherwise(1.0));
    List<String> algorithms = algorithm.equals("auto") ? List.of("logistic", "gbt") : List.of(algorithm);
    Fitted best = null;
    for (String name : algorithms) {
      Fitted fitted = search(weighted, name, seed);
      if (best == null || fitted.cvAuc() > best.cvAuc()) {
        best = fitted;
      }
    }
    return best;
  }

  private static Fitted search(Dataset<Row> weighted, String algorithm, long seed) {
    List<PipelineStage> stages = new ArrayList<>(features());
    ParamMap[] grid;
    if (algorithm.equals("gbt")) {
      GBTClassifier gbt = new GBTClassifier().setFeaturesCol("features").setLabelCol("label").setWeightCol("weight")
          .setSeed(seed).setMaxIter(40);
      stages.add(gbt);
      grid = new ParamGridBuilder().addGrid(gbt.maxDepth(), new int[] {3, 5}).build();
    } else if (algorithm.equals("logistic")) {
      LogisticRegression lr = new LogisticRegression().setFeaturesCol("features").setLabelCol("label")
          .setWeightCol("weight").setMaxIter(100);
      stages.add(lr);
      grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.003, 0.03, 0.3}).build();
    } else {
      throw new io.trailcast.core.UserException("unknown algorithm '" + algorithm + "': use logistic, gbt or auto");
    }
    Pipeline pipeline = new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
    CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
        .setEvaluator(new BinaryClassificationEvaluator().setLabelCol("label").setRawPredictionCol("rawPrediction"))
        .setNumFolds(3).setSeed(seed);
    CrossValidatorModel model = cv.fit(weighted);
    double[] aucs = model.avgMetrics();
    int bestIndex = 0;
    for (int i = 1; i < aucs.length; i++) {
      bestIndex = aucs[i] > aucs[bestIndex] ? i : bestIndex;
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("algorithm", algorithm);
    for (org.apache.spark.ml.param.ParamPair<?> pair : scala.collection.JavaConverters.seqAsJavaList(
        grid[bestIndex].toSeq())) {
      params.put(pair.param().name(), String.valueOf(pair.value()));
    }
    return new Fitted((PipelineModel) model.bestModel(), algorithm, params, aucs[bestIndex]);
  }

  /** The feature stages: vocabularies of sections and bigrams and themes, landing one-hot, the assembly. */
  static List<PipelineStage> features() {
    List<PipelineStage> stages = new ArrayList<>();
    // Sections and bigrams seen in fewer than 20 trails are left out: on small windows they only add noise.
    stages.add(new CountVectorizer().setInputCol("sections").setOutputCol("sections_vec").setMinDF(20)
        .setVocabSize(300));
    stages.add(new CountVectorizer().setInputCol("bigrams").setOutputCol("bigrams_vec").setMinDF(20)
        .setVocabSize(500));
    stages.add(new CountVectorizer().setInputCol("themes").setOutputCol("themes_vec").setMinDF(1).setVocabSize(100));
    stages.add(new StringIndexer().setInputCol("landing").setOutputCol("landing_index").setHandleInvalid("keep"));
    stages.add(new OneHotEncoder().setInputCol("landing_index").setOutputCol("landing_vec").setHandleInvalid("keep"));
    List<String> inputs = new ArrayList<>(TrailFeatures.NUMERIC);
    inputs.addAll(List.of("sections_vec", "bigrams_vec", "themes_vec", "landing_vec"));
    stages.add(new VectorAssembler().setInputCols(inputs.toArray(new String[0])).setOutputCol("features"));
    return stages;
  }

  /** Adds {@code p}, the probability of converting. */
  public static Dataset<Row> score(PipelineModel model, Dataset<Row> trails) {
    return model.transform(trails).withColumn("p", functions.vector_to_array(col("probability"), "float64")
        .getItem(1));
  }

  /** ROC and PR AUC, log loss, accuracy at {@code threshold}, a 10-bin calibration table. */
  public static Metrics evaluate(Dataset<Row> scored, double threshold) {
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator().setLabelCol("label")
        .setRawPredictionCol("p");
    double roc = evaluator.setMetricName("areaUnderROC").evaluate(scored);
    double pr = evaluator.setMetricName("areaUnderPR").evaluate(scored);
    Row sums = scored.selectExpr("count(*)", "sum(label)",
        "avg(-(label * ln(greatest(p, 1e-15)) + (1 - label) * ln(greatest(1 - p, 1e-15))))",
        "avg(CAST(CASE WHEN (p >= " + threshold + ") = (label = 1.0) THEN 1 ELSE 0 END AS DOUBLE))").first();
    List<double[]> calibration = new ArrayList<>();
    for (Row bin : scored.selectExpr("least(cast(floor(p * 10) AS int), 9) AS bin", "p", "label")
        .groupBy("bin").agg(org.apache.spark.sql.functions.count("*"), org.apache.spark.sql.functions.avg("p"),
            org.apache.spark.sql.functions.avg("label"))
        .orderBy("bin").collectAsList()) {
      calibration.add(new double[] {bin.getInt(0) / 10.0, bin.getLong(1), bin.getDouble(2), bin.getDouble(3)});
    }
    return new Metrics(sums.getLong(0), Math.round(sums.getDouble(1)), roc, pr, sums.getDouble(2), sums.getDouble(3),
        threshold, calibration);
  }

  /** The threshold with the best F1 on {@code scored} (training predictions). */
  public static double bestThreshold(Dataset<Row> scored) {
    double best = 0.5;
    double bestF1 = -1;
    for (int i = 1; i < 20; i++) {
      double t = i / 20.0;
      Row r = scored.selectExpr("sum(CASE WHEN p >= " + t + " AND label = 1.0 THEN 1 ELSE 0 END)",
          "sum(CASE WHEN p >= " + t + " THEN 1 ELSE 0 END)", "sum(label)").first();
      double tp = r.getLong(0);
      double predicted = r.getLong(1);
      double actual = r.getDouble(2);
      double f1 = predicted == 0 || actual == 0 ? 0 : 2 * tp / (predicted + actual);
      if (f1 > bestF1) {
        bestF1 = f1;
        best = t;
      }
    }
    return best;
  }

  /** The names of the assembled feature vector's positions. */
  public static List<String> featureNames(PipelineModel model) {
    List<String> names = new ArrayList<>(TrailFeatures.NUMERIC);
    for (org.apache.spark.ml.Transformer stage : model.stages()) {
      if (stage instanceof CountVectorizerModel cv) {
        for (String word : cv.vocabulary()) {
          names.add(cv.getInputCol() + "=" + word);
        }
      } else if (stage instanceof StringIndexerModel indexer) {
        for (String label : indexer.labelsArray()[0]) {
          names.add("landing=" + label);
        }
        names.add("landing=(other)");
      }
    }
    return names;
  }

  /** The features with the largest weights (logistic: |coefficient|; gbt: importance), strongest first. */
  public static List<Map.Entry<String, Double>> topFeatures(PipelineModel model, int n) {
    List<String> names = featureNames(model);
    Object last = model.stages()[model.stages().length - 1];
    double[] weights = last instanceof LogisticRegressionModel lr ? lr.coefficients().toArray()
        : ((org.apache.spark.ml.classification.GBTClassificationModel) last).featureImportances().toArray();
    List<Map.Entry<String, Double>> all = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      all.add(Map.entry(i < names.size() ? names.get(i) : "#" + i, weights[i]));
    }
    all.sort((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue())));
    return all.subList(0, Math.min(n, all.size()));
  }
}
