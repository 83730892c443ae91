package io.trailcast.models;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.trailcast.core.spark.Progress;
import io.trailcast.core.spark.ShufflePartitions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StandardScaler;
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
 * vocabularies (their names stay readable for the top features), the landing section too,
 * then the numeric features; class imbalance is handled by weighting the rare class.
 */
public final class ConversionModel {
  /**
   * Training rows per partition of a search: the nine cross-validated fits of 700 rows took 12–16 s in
   * four partitions and 7–8.5 s in one, in a warm JVM (bench/ModelSearchPartitions.java).
   */
  static final long ROWS_PER_PARTITION = 50_000;
  private static final int FOLDS = 3;
  /**
   * Below this many training rows the trees and the perceptron try their smaller setting only (depth 3, one
   * hidden layer of 8): on a few hundred rows the folds' AUCs of one setting spread wider than the settings
   * differ, and the larger ones overfit. Logistic keeps its three regularisations (its fits are the cheap ones).
   */
  static final long SMALL_SEARCH_ROWS = 5_000;

  private ConversionModel() {
  }

  /**
   * One model family's search: its best pipeline refitted on all the training rows, the parameters it chose, its
   * cross-validated ROC AUC and how long its search took.
   */
  public record FamilyFit(String family, PipelineModel model, Map<String, String> params, double cvAuc,
      double seconds) {
  }

  /**
   * The fitted pipeline of the family kept (the best cross-validated ROC AUC), its parameters, and every
   * family searched, in the order searched.
   */
  public record Fitted(PipelineModel model, String algorithm, Map<String, String> params, double cvAuc,
      List<FamilyFit> families) {
  }

  /** Metrics on held-out rows. */
  public record Metrics(long n, long positives, double rocAuc, double prAuc, double logLoss, double accuracy,
      double threshold, ModelCurves curves) {
    /** The calibration table: bin start, rows, mean score, observed rate (bins without rows left out). */
    public List<double[]> calibration() {
      return curves.calibration();
    }

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

  /** The model families a search can compare, in the order searched. */
  public static final List<String> FAMILIES = List.of("logistic", "gbt", "mlp");

  /**
   * How to train: {@code family} all (each of {@link #FAMILIES} searched, the best cross-validated ROC AUC kept;
   * {@code auto} reads the same) or one of them; {@code classWeight} none (scores stay probabilities; the rare
   * class is served by the decision threshold, chosen for the best F1) or balanced (each class weighs as much as
   * the other). MLlib's perceptron takes no row weights: with balanced, all leaves it out and mlp is refused.
   */
  public record Settings(String family, String classWeight) {
    public Settings {
      family = family.equals("auto") ? "all" : family;
      if (!family.equals("all") && !FAMILIES.contains(family)) {
        throw new io.trailcast.core.UserException("unknown model family '" + family + "': use all, "
            + String.join(", ", FAMILIES));
      }
      if (!List.of("none", "balanced").contains(classWeight)) {
        throw new io.trailcast.core.UserException("unknown class weight '" + classWeight + "': use none or balanced");
      }
      if (family.equals("mlp") && classWeight.equals("balanced")) {
        throw new io.trailcast.core.UserException("--class-weight balanced needs row weights, which MLlib's "
            + "perceptron (mlp) does not take: use logistic or gbt, or no class weight");
      }
    }

    public static Settings of(String family) {
      return new Settings(family, "none");
    }

    /** The families this search compares. */
    public List<String> families() {
      if (!family.equals("all")) {
        return List.of(family);
      }
      return classWeight.equals("balanced") ? FAMILIES.stream().filter(f -> !f.equals("mlp")).toList() : FAMILIES;
    }
  }

  /** Fits trail rows ({@link Trails}) with a small cross-validated search. */
  public static Fitted fit(Dataset<Row> train, Settings settings, long seed) {
    return fit(train, trailFeatures(), settings, seed);
  }

  /**
   * Fits {@code featureStages} (which end in a {@code features} vector) then the classifier on
   * {@code train} (a {@code label} column of 1 and 0) with a cross-validated search.
   */
  public static Fitted fit(Dataset<Row> train, List<PipelineStage> featureStages, Settings settings, long seed) {
    long total = train.count();
    double weight = 1;
    if (settings.classWeight().equals("balanced")) {
      double positives = train.filter(col("label").equalTo(1.0)).count();
      weight = positives == 0 ? 1 : (total - positives) / positives;
    }
    // A search is hundreds of small jobs (an LBFGS iteration, a vocabulary count each): on few rows a
    // task per shuffle partition is mostly scheduling.
    int partitions = ShufflePartitions.forInput(train.sparkSession(), total, ROWS_PER_PARTITION);
    Dataset<Row> weighted = train.coalesce(partitions)
        .withColumn("weight", when(col("label").equalTo(1.0), lit(weight)).otherwise(1.0));
    List<FamilyFit> families = new ArrayList<>();
    FamilyFit best = null;
    for (String family : settings.families()) {
      FamilyFit fitted = search(weighted, featureStages, family, total < SMALL_SEARCH_ROWS, seed);
      families.add(fitted);
      if (best == null || fitted.cvAuc() > best.cvAuc()) {
        best = fitted;
      }
    }
    Map<String, String> params = new LinkedHashMap<>(best.params());
    params.put("class_weight", settings.classWeight());
    return new Fitted(best.model(), best.family(), params, best.cvAuc(), List.copyOf(families));
  }

  private static FamilyFit search(Dataset<Row> weighted, List<PipelineStage> featureStages, String algorithm,
      boolean fewRows, long seed) {
    long started = System.nanoTime();
    List<PipelineStage> stages = new ArrayList<>(featureStages);
    ParamMap[] grid;
    if (algorithm.equals("gbt")) {
      GBTClassifier gbt = new GBTClassifier().setFeaturesCol("features").setLabelCol("label").setWeightCol("weight")
          .setSeed(seed).setMaxIter(40);
      stages.add(gbt);
      grid = new ParamGridBuilder().addGrid(gbt.maxDepth(), fewRows ? new int[] {3} : new int[] {3, 5}).build();
    } else if (algorithm.equals("logistic")) {
      LogisticRegression lr = new LogisticRegression().setFeaturesCol("features").setLabelCol("label")
          .setWeightCol("weight").setMaxIter(100);
      stages.add(lr);
      grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.003, 0.03, 0.3}).build();
    } else if (algorithm.equals("mlp")) {
      // A perceptron wants its inputs on one scale: counts, logs and 0/1 words are standardised first.
      stages.add(new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(true)
          .setWithStd(true));
      SizedPerceptron mlp = new SizedPerceptron().setFeaturesCol("scaled").setSeed(seed).setMaxIter(100);
      stages.add(mlp);
      List<int[]> layers = fewRows ? List.of(new int[] {8}) : List.of(new int[] {8}, new int[] {32, 8});
      grid = new ParamGridBuilder().addGrid(mlp.hidden(), scala.collection.JavaConverters.asScalaBuffer(layers))
          .build();
    } else {
      throw new io.trailcast.core.UserException("unknown model family '" + algorithm + "'");
    }
    Pipeline pipeline = new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
    CrossValidatorModel model;
    try (Progress progress = Progress.phase(weighted.sparkSession(), "model train", "search " + algorithm,
        grid.length * FOLDS)) {
      CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
          // Ranked by the probability: a perceptron's raw output for the positive class alone does not rank.
          .setEvaluator(new CountedEvaluator(progress).setLabelCol("label").setRawPredictionCol("probability"))
          // Two fits at a time: a fit is many small Spark jobs that leave the second core idle.
          .setNumFolds(FOLDS).setSeed(seed).setParallelism(2);
      model = cv.fit(weighted);
    } catch (IllegalArgumentException e) {
      if (String.valueOf(e.getMessage()).contains("vocabulary size should be > 0")) {
        throw new io.trailcast.core.UserException("too few rows to train on: no page, bigram or theme is seen in "
            + "enough of them (" + e.getMessage() + ")", e);
      }
      throw e;
    }
    double[] aucs = model.avgMetrics();
    int bestIndex = 0;
    for (int i = 1; i < aucs.length; i++) {
      bestIndex = aucs[i] > aucs[bestIndex] ? i : bestIndex;
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("algorithm", algorithm);
    for (org.apache.spark.ml.param.ParamPair<?> pair : scala.collection.JavaConverters.seqAsJavaList(
        grid[bestIndex].toSeq())) {
      Object value = pair.value();
      params.put(pair.param().name(), value instanceof int[] layers ? java.util.Arrays.toString(layers)
          : String.valueOf(value));
    }
    return new FamilyFit(algorithm, (PipelineModel) model.bestModel(), params, aucs[bestIndex],
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * The search's evaluator, counting its evaluations: the cross-validator evaluates each fit once, so
   * the search's progress is its fits done of grid × folds.
   */
  private static final class CountedEvaluator extends BinaryClassificationEvaluator {
    private static final long serialVersionUID = 1L;
    private final transient Progress progress;

    CountedEvaluator(Progress progress) {
      this.progress = progress;
    }

    @Override
    public double evaluate(Dataset<?> dataset) {
      double auc = super.evaluate(dataset);
      progress.step(String.format(java.util.Locale.ROOT, "fold AUC %.4f", auc));
      return auc;
    }
  }

  /** The feature stages: vocabularies of sections, bigrams, themes and the landing section, the assembly. */
  static List<PipelineStage> trailFeatures() {
    List<PipelineStage> stages = new ArrayList<>();
    // Seen or not, as the definition of a trail reads "pages seen": how often a page type recurs
    // adds little beyond the pageview count and overfits. Sections seen in fewer than 20 trails and
    // bigrams in fewer than 3 % of them are left out: rare transitions only add noise (measured in
    // docs/models.md).
    stages.add(new CountVectorizer().setInputCol("sections").setOutputCol("sections_vec").setMinDF(20)
        .setVocabSize(300).setBinary(true));
    stages.add(new CountVectorizer().setInputCol("bigrams").setOutputCol("bigrams_vec").setMinDF(0.03)
        .setVocabSize(500).setBinary(true));
    stages.add(new CountVectorizer().setInputCol("themes").setOutputCol("themes_vec").setMinDF(1).setVocabSize(100)
        .setBinary(true));
    // A vocabulary rather than one-hot, so that landing sections seen on few trails drop out too.
    stages.add(new CountVectorizer().setInputCol("landing").setOutputCol("landing_vec").setMinDF(20).setVocabSize(300)
        .setBinary(true));
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

  /** ROC and PR AUC, log loss, accuracy at {@code threshold}, the curves (ROC, lift, calibration). */
  public static Metrics evaluate(Dataset<Row> scored, double threshold) {
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator().setLabelCol("label")
        .setRawPredictionCol("p");
    double roc = evaluator.setMetricName("areaUnderROC").evaluate(scored);
    double pr = evaluator.setMetricName("areaUnderPR").evaluate(scored);
    Row sums = scored.selectExpr("count(*)", "sum(label)",
        "avg(-(label * ln(greatest(p, 1e-15)) + (1 - label) * ln(greatest(1 - p, 1e-15))))",
        "avg(CAST(CASE WHEN (p >= " + threshold + ") = (label = 1.0) THEN 1 ELSE 0 END AS DOUBLE))").first();
    // The held-out rows are few (a score and a label each): the curves are drawn on the driver.
    List<Row> pairs = scored.select("p", "label").collectAsList();
    double[] scores = new double[pairs.size()];
    double[] labels = new double[pairs.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = pairs.get(i).getDouble(0);
      labels[i] = pairs.get(i).getDouble(1);
    }
    return new Metrics(sums.getLong(0), Math.round(sums.getDouble(1)), roc, pr, sums.getDouble(2), sums.getDouble(3),
        threshold, ModelCurves.of(scores, labels));
  }

  /** The threshold with the best F1 on {@code scored} (training predictions), of 0.05, 0.10, ... 0.95. */
  public static double bestThreshold(Dataset<Row> scored) {
    // Every threshold's counts in one pass (a job per threshold was 19 Spark jobs).
    List<String> sums = new ArrayList<>();
    for (int i = 1; i < 20; i++) {
      double t = i / 20.0;
      sums.add("sum(CASE WHEN p >= " + t + " AND label = 1.0 THEN 1 ELSE 0 END)");
      sums.add("sum(CASE WHEN p >= " + t + " THEN 1 ELSE 0 END)");
    }
    sums.add("sum(label)");
    Row r = scored.selectExpr(sums.toArray(new String[0])).first();
    double actual = r.isNullAt(sums.size() - 1) ? 0 : r.getDouble(sums.size() - 1);
    double best = 0.5;
    double bestF1 = -1;
    for (int i = 1; i < 20; i++) {
      double tp = r.isNullAt(2 * i - 2) ? 0 : r.getLong(2 * i - 2);
      double predicted = r.isNullAt(2 * i - 1) ? 0 : r.getLong(2 * i - 1);
      double f1 = predicted == 0 || actual == 0 ? 0 : 2 * tp / (predicted + actual);
      if (f1 > bestF1) {
        bestF1 = f1;
        best = i / 20.0;
      }
    }
    return best;
  }

  /**
   * The names of the assembled feature vector's positions: a numeric column's name, a vocabulary
   * word as {@code column=word}, a one-hot category as {@code column=value}.
   */
  public static List<String> featureNames(PipelineModel model) {
    Map<String, List<String>> vectors = new java.util.HashMap<>();
    Map<String, String[]> categories = new java.util.HashMap<>();
    VectorAssembler assembler = null;
    for (org.apache.spark.ml.Transformer stage : model.stages()) {
      if (stage instanceof CountVectorizerModel cv) {
        vectors.put(cv.getOutputCol(), java.util.Arrays.stream(cv.vocabulary()).map(w -> cv.getInputCol() + "=" + w)
            .toList());
      } else if (stage instanceof StringIndexerModel indexer) {
        categories.put(indexer.getOutputCol(), java.util.Arrays.stream(indexer.labelsArray()[0])
            .map(label -> indexer.getInputCol() + "=" + label).toArray(String[]::new));
      } else if (stage instanceof OneHotEncoderModel oneHot) {
        // The indexer's labels, then its bucket for unseen values; the encoder may add or drop one.
        int size = oneHot.categorySizes()[0] + (oneHot.getHandleInvalid().equals("keep") ? 1 : 0)
            - (oneHot.getDropLast() ? 1 : 0);
        String[] labels = categories.get(oneHot.getInputCol());
        String column = labels.length == 0 ? oneHot.getInputCol() : labels[0].substring(0, labels[0].indexOf('='));
        List<String> names = new ArrayList<>(List.of(labels));
        while (names.size() < size) {
          names.add(column + "=(other)");
        }
        vectors.put(oneHot.getOutputCol(), names.subList(0, size));
      } else if (stage instanceof VectorAssembler found) {
        assembler = found;
      }
    }
    List<String> names = new ArrayList<>();
    for (String input : assembler.getInputCols()) {
      names.addAll(vectors.getOrDefault(input, List.of(input)));
    }
    return names;
  }

  /**
   * The features with the largest weights (logistic: |coefficient|; gbt: importance), strongest first; none
   * for a perceptron.
   */
  public static List<Map.Entry<String, Double>> topFeatures(PipelineModel model, int n) {
    List<String> names = featureNames(model);
    Object last = model.stages()[model.stages().length - 1];
    if (!(last instanceof LogisticRegressionModel) && !(last instanceof GBTClassificationModel)) {
      // A perceptron has no weight per input; its scores name their features by occlusion (TrailScorer).
      return List.of();
    }
    double[] weights = last instanceof LogisticRegressionModel lr ? lr.coefficients().toArray()
        : ((GBTClassificationModel) last).featureImportances().toArray();
    List<Map.Entry<String, Double>> all = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      all.add(Map.entry(i < names.size() ? names.get(i) : "#" + i, weights[i]));
    }
    all.sort((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue())));
    return all.subList(0, Math.min(n, all.size()));
  }
}
