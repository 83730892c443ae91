package io.trailcast.models;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.core.spark.Progress;
import io.trailcast.core.spark.ShufflePartitions;
import io.trailcast.ingest.EventDays;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/** {@code model train} and {@code model score}: trails of a window through the conversion model, with Cassandra. */
public final class ModelJob {
  /** conversion_scores' rows, as batch scoring, the stream and serve write them. */
  public static final StructType SCORES = new StructType()
      .add("user_id", DataTypes.StringType, false)
      .add("month", DataTypes.StringType, false)
      .add("scored_at", DataTypes.TimestampType, false)
      .add("session_id", DataTypes.StringType, false)
      .add("score", DataTypes.DoubleType)
      .add("model_version", DataTypes.StringType)
      .add("features_used", DataTypes.createArrayType(DataTypes.StringType));

  private ModelJob() {
  }

  /**
   * What a training gave; {@code splitDay} is the first evaluated day (null for a feature table,
   * split at random).
   */
  public record Trained(String version, Path path, ConversionModel.Fitted fitted, ConversionModel.Metrics metrics,
      LocalDate splitDay, long trainRows, List<Map.Entry<String, Double>> topFeatures, double seconds,
      List<ModelRegistry.FamilyFigures> families) {
  }

  /**
   * Trains on the trails of {@code from..to}: the earlier two thirds of the days to fit (with a
   * cross-validated search), the later days to evaluate. Saves the pipeline and records it.
   */
  public static Trained train(SparkSession spark, Store store, LocalDate from, LocalDate to,
      ConversionModel.Settings settings, List<String> funnel, int minPageviews, Path outDir) {
    long started = System.nanoTime();
    Dataset<Row> trails = Trails.of(spark, store.target(), from, to, funnel, minPageviews)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<LocalDate> days = new ArrayList<>();
      for (Row row : trails.select("day").distinct().collectAsList()) {
        days.add(row.getDate(0).toLocalDate());
      }
      days.sort(null);
      if (days.size() < 2) {
        throw new UserException("training needs sessions on at least 2 days (earlier days train, later ones "
            + "evaluate); " + from + ".." + to + " has " + days.size());
      }
      LocalDate split = days.get(Math.max(1, (int) Math.round(days.size() * 2 / 3.0)));
      Dataset<Row> train = trails.filter(col("day").lt(lit(java.sql.Date.valueOf(split))));
      Dataset<Row> test = trails.filter(col("day").geq(lit(java.sql.Date.valueOf(split))));
      Map<String, String> params = new LinkedHashMap<>();
      params.put("min_pageviews", Integer.toString(minPageviews));
      params.put("funnel", String.join("\n", funnel));
      params.put("split_day", split.toString());
      TrailScorer.Rules rules = new TrailScorer.Rules(funnel, minPageviews);
      return fitAndRecord(store, ModelRegistry.TRAILS, train, test, ConversionModel.trailFeatures(), settings,
          params, from, to, split, outDir, started,
          model -> afterActions(spark, store.target(), TrailScorer.of("new", model, rules), split, to, null, null));
    } finally {
      trails.unpersist();
    }
  }

  /**
   * Trains on a feature table a user brings: a random two thirds of its rows fit the model (the
   * same search, weighting and metrics as on trails), the other third evaluates it.
   */
  public static Trained train(Store store, FeatureTable.Table table, String source,
      ConversionModel.Settings settings, Path outDir) {
    long started = System.nanoTime();
    Dataset<Row> rows = table.rows().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row>[] parts = rows.randomSplit(new double[] {2, 1}, 42);
      Map<String, String> params = new LinkedHashMap<>();
      params.put("source", source);
      params.put("numeric", String.join(",", table.numeric()));
      params.put("categorical", String.join(",", table.categorical()));
      params.put("split", "random, two thirds train (seed 42)");
      return fitAndRecord(store, ModelRegistry.TABLE, parts[0], parts[1], table.featureStages(), settings, params,
          null, null, null, outDir, started, model -> List.of());
    } finally {
      rows.unpersist();
    }
  }

  @SuppressWarnings("try") // the phase names the Spark jobs inside it and logs its end
  private static Trained fitAndRecord(Store store, String kind, Dataset<Row> train, Dataset<Row> test,
      List<org.apache.spark.ml.PipelineStage> featureStages, ConversionModel.Settings settings,
      Map<String, String> params,
      LocalDate from, LocalDate to, LocalDate split, Path outDir, long started,
      java.util.function.Function<PipelineModel, List<AfterActions>> afterActions) {
    ConversionModel.Fitted fitted = ConversionModel.fit(train, featureStages, settings, 42);
    ConversionModel.Metrics metrics;
    ModelCurves curves;
    try (Progress progress = Progress.phase(train.sparkSession(), "model train", "threshold and held-out metrics")) {
      double threshold = ConversionModel.bestThreshold(ConversionModel.score(fitted.model(), train));
      metrics = ConversionModel.evaluate(ConversionModel.score(fitted.model(), test), threshold);
      curves = metrics.curves().withAfterActions(afterActions.apply(fitted.model()));
    }
    String version = (kind.equals(ModelRegistry.TABLE) ? "table-" : "conv-")
        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    Path path = outDir.resolve(version).toAbsolutePath();
    try {
      fitted.model().write().overwrite().save(path.toString());
    } catch (java.io.IOException e) {
      throw new UserException("cannot save the model in " + path + ": " + e.getMessage(), e);
    }
    Map<String, String> recorded = new LinkedHashMap<>(fitted.params());
    recorded.putAll(params);
    recorded.put("cv_roc_auc", Double.toString(fitted.cvAuc()));
    List<ModelRegistry.FamilyFigures> families = new ArrayList<>();
    try (Progress progress = Progress.phase(train.sparkSession(), "model train", "each family on held-out rows")) {
      for (ConversionModel.FamilyFit family : fitted.families()) {
        families.add(ModelRegistry.FamilyFigures.of(family, ConversionModel.score(family.model(), test)));
        recorded.putAll(families.get(families.size() - 1).params());
      }
    }
    ModelRegistry.record(store.cql(), kind, version, path.toString(), fitted.algorithm(), recorded, metrics.asMap(),
        from, to, ConversionModel.featureNames(fitted.model()), curves);
    if (kind.equals(ModelRegistry.TRAILS)) {
      // The stream and serve then load the scorer without Spark (TrailScorer.SIDECAR).
      ModelRegistry.Recorded saved = ModelRegistry.model(store.cql(), version);
      TrailScorer.of(version, fitted.model(), TrailScorer.Rules.of(saved)).saveBeside(path.toString());
    }
    return new Trained(version, path, fitted, metrics, split, train.count(),
        ConversionModel.topFeatures(fitted.model(), 10), (System.nanoTime() - started) / 1e9, List.copyOf(families));
  }

  /**
   * Scores every human session of {@code from..to} with a scorable trail into conversion_scores,
   * through the model's {@link TrailScorer} (its funnel and minimum pageviews); sessions under the
   * minimum get no row. Returns the rows written.
   */
  public static long score(SparkSession spark, Store store, LocalDate from, LocalDate to,
      ModelRegistry.Recorded recorded) {
    CassandraTarget target = store.target();
    return JobRuns.record(store, "model-score", List.of(recorded.version()), from, to, (cql, run) ->
        ShufflePartitions.with(spark, EventDays.shufflePartitions(spark, cql, from, to),
            () -> scoreWindow(spark, target, from, to, TrailScorer.load(recorded))),
        written -> Map.of("scores", written));
  }

  private static long scoreWindow(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      TrailScorer scorer) {
    // One pass: the writer counts what it writes.
    return CassandraWriter.write(spark, scoreRows(spark, scorer, Trails.of(spark, target, from, to, scorer.rules())),
        target, "conversion_scores");
  }

  /**
   * conversion_scores rows of trail rows ({@link Trails#SCHEMA}) scored by {@code scorer}: the
   * score, the model version and the three features that pushed it most.
   */
  public static Dataset<Row> scoreRows(SparkSession spark, TrailScorer scorer, Dataset<Row> trails) {
    Broadcast<TrailScorer> shared = spark.sparkContext().broadcast(scorer,
        scala.reflect.ClassTag$.MODULE$.apply(TrailScorer.class));
    return trails.mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
      TrailScorer local = shared.value();
      List<Row> out = new ArrayList<>();
      while (it.hasNext()) {
        Row r = it.next();
        TrailScorer.Score score = local.score(Trails.features(r));
        out.add(scoreRow(r.getString(0), r.getString(1), r.getDate(3).toLocalDate(), r.getTimestamp(5), score,
            local.version()));
      }
      return out.iterator();
    }, Encoders.row(SCORES));
  }

  /** A conversion_scores row, in the month partition of the session's day. */
  public static Row scoreRow(String userId, String sessionId, LocalDate day, java.sql.Timestamp scoredAt,
      TrailScorer.Score score, String version) {
    return RowFactory.create(userId, day.toString().substring(0, 7), scoredAt, sessionId, score.probability(),
        version, scala.collection.JavaConverters.asScalaBuffer(score.topFeatures()).toSeq());
  }

  /**
   * The accuracy-after-actions table ({@link AfterActions}) of {@code scorer} on the sessions of {@code from..to}
   * it gives a trail: each session's trail after its 1st, 2nd, ... {@value AfterActions#MAX}th interactive event
   * scored by the one scorer (no Spark job per score), the AUCs computed on the driver. With {@code truth} (the
   * simulator's folder; {@code salt}, ingest's), the simulator's whole-visit probability beside it.
   */
  public static List<AfterActions> afterActions(SparkSession spark, CassandraTarget target, TrailScorer scorer,
      LocalDate from, LocalDate to, Path truth, String salt) {
    Broadcast<TrailScorer> shared = spark.sparkContext().broadcast(scorer,
        scala.reflect.ClassTag$.MODULE$.apply(TrailScorer.class));
    StructType schema = new StructType().add("user_id", DataTypes.StringType).add("session_start",
        DataTypes.TimestampType).add("actions", DataTypes.IntegerType).add("label", DataTypes.DoubleType)
        .add("p", DataTypes.DoubleType);
    int actions = Trails.PREFIX_SCHEMA.fieldIndex("actions");
    Dataset<Row> scored = Trails.prefixes(spark, target, from, to, scorer.rules(), AfterActions.MAX)
        .mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
          TrailScorer local = shared.value();
          List<Row> out = new ArrayList<>();
          while (it.hasNext()) {
            Row r = it.next();
            out.add(RowFactory.create(r.getString(0), r.getTimestamp(2), r.getInt(actions), r.getDouble(4),
                local.probability(Trails.features(r))));
          }
          return out.iterator();
        }, Encoders.row(schema));
    Dataset<Row> withTruth = truth == null ? scored.withColumn("bayes_p", lit(null).cast(DataTypes.DoubleType))
        : scored.join(SimulatorTruth.sessions(spark, truth, salt).select("user_id", "session_start", "bayes_p"),
            new String[] {"user_id", "session_start"}, "left");
    List<double[]> prefixes = new ArrayList<>();
    for (Row r : withTruth.select("actions", "label", "p", "bayes_p").collectAsList()) {
      double bayes = r.isNullAt(3) ? Double.NaN : r.getDouble(3);
      prefixes.add(new double[] {r.getInt(0), r.getDouble(1), r.getDouble(2), bayes});
    }
    return AfterActions.of(prefixes);
  }

  /** A model against the simulator's own probabilities on the same held-out sessions. */
  public record TruthComparison(LocalDate from, LocalDate to, long scored, long matched, double rocAuc,
      double bayesAuc) {
    public double ratio() {
      return rocAuc / bayesAuc;
    }
  }

  /**
   * Scores the held-out days of {@code recorded} (its split day to the end of its window) and
   * compares its ROC AUC with the simulator's Bayes AUC on the sessions both know ({@code dir}:
   * the simulator's output, {@code salt}: ingest's).
   */
  public static TruthComparison compareWithTruth(SparkSession spark, CassandraTarget target,
      ModelRegistry.Recorded recorded, Path dir, String salt) {
    LocalDate from = LocalDate.parse(recorded.params().get("split_day"));
    LocalDate to = recorded.dataTo();
    Dataset<Row> scored = ConversionModel.score(PipelineModel.load(recorded.path()),
        Trails.of(spark, target, from, to, recorded.funnel(), recorded.minPageviews()))
        .select("user_id", "session_start", "label", "p").persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> matched = scored.join(SimulatorTruth.sessions(spark, dir, salt), new String[] {"user_id",
          "session_start"}).persist(StorageLevel.MEMORY_AND_DISK());
      long n = matched.count();
      if (n == 0 || matched.filter(col("label").equalTo(1.0)).isEmpty()) {
        throw new UserException("no held-out session of " + from + ".." + to + " (or no conversion among them) is in "
            + "the simulator's truth at " + dir + ": is it the traffic this keyspace ingested, with this salt?");
      }
      org.apache.spark.ml.evaluation.BinaryClassificationEvaluator auc =
          new org.apache.spark.ml.evaluation.BinaryClassificationEvaluator().setLabelCol("label");
      TruthComparison result = new TruthComparison(from, to, scored.count(), n,
          auc.setRawPredictionCol("p").evaluate(matched), auc.setRawPredictionCol("bayes_p").evaluate(matched));
      matched.unpersist();
      return result;
    } finally {
      scored.unpersist();
    }
  }
}
