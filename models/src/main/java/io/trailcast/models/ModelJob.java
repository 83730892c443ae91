package io.trailcast.models;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.SchemaMigrator;
import io.trailcast.core.spark.CassandraWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
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
  private static final StructType SCORES = new StructType()
      .add("user_id", DataTypes.StringType, false)
      .add("month", DataTypes.StringType, false)
      .add("scored_at", DataTypes.TimestampType, false)
      .add("session_id", DataTypes.StringType, false)
      .add("score", DataTypes.DoubleType)
      .add("model_version", DataTypes.StringType)
      .add("features_used", DataTypes.createArrayType(DataTypes.StringType));

  private ModelJob() {
  }

  /** What a training gave. */
  public record Trained(String version, Path path, ConversionModel.Fitted fitted, ConversionModel.Metrics metrics,
      LocalDate splitDay, long trainRows, List<Map.Entry<String, Double>> topFeatures, double seconds) {
  }

  /** A recorded conversion model. */
  public record Recorded(String version, String path, Map<String, String> params, Map<String, Double> metrics) {
    public int minPageviews() {
      return Integer.parseInt(params.getOrDefault("min_pageviews", "2"));
    }

    public List<String> funnel() {
      String funnel = params.getOrDefault("funnel", "");
      return funnel.isEmpty() ? List.of() : List.of(funnel.split("\n"));
    }
  }

  /**
   * Trains on the trails of {@code from..to}: the earlier two thirds of the days to fit (with a
   * cross-validated search), the later days to evaluate. Saves the pipeline and records it.
   */
  public static Trained train(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      String algorithm, List<String> funnel, int minPageviews, Path outDir) {
    long started = System.nanoTime();
    Dataset<Row> trails = Trails.of(spark, target, from, to, funnel, minPageviews)
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
      ConversionModel.Fitted fitted = ConversionModel.fit(train, algorithm, 42);
      double threshold = ConversionModel.bestThreshold(ConversionModel.score(fitted.model(), train));
      ConversionModel.Metrics metrics = ConversionModel.evaluate(ConversionModel.score(fitted.model(), test),
          threshold);
      String version = "conv-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
          .format(Instant.now());
      Path path = outDir.resolve(version).toAbsolutePath();
      try {
        fitted.model().write().overwrite().save(path.toString());
      } catch (java.io.IOException e) {
        throw new UserException("cannot save the model in " + path + ": " + e.getMessage(), e);
      }
      Map<String, String> params = new LinkedHashMap<>(fitted.params());
      params.put("min_pageviews", Integer.toString(minPageviews));
      params.put("funnel", String.join("\n", funnel));
      params.put("split_day", split.toString());
      params.put("cv_roc_auc", Double.toString(fitted.cvAuc()));
      record(target, version, path.toString(), fitted.algorithm(), params, metrics.asMap(), from, to,
          ConversionModel.featureNames(fitted.model()));
      return new Trained(version, path, fitted, metrics, split, train.count(),
          ConversionModel.topFeatures(fitted.model(), 10), (System.nanoTime() - started) / 1e9);
    } finally {
      trails.unpersist();
    }
  }

  private static void record(CassandraTarget target, String version, String path, String algorithm,
      Map<String, String> params, Map<String, Double> metrics, LocalDate from, LocalDate to, List<String> features) {
    try (CqlSession cql = CqlSessions.open(target)) {
      cql.execute(SimpleStatement.newInstance("INSERT INTO models (kind, version, created_at, path, algorithm, params, "
          + "metrics, data_from, data_to, features) VALUES ('conversion', ?, ?, ?, ?, ?, ?, ?, ?, ?)", version,
          Instant.now(), path, algorithm, params, metrics, from, to, features));
    }
  }

  /** Every recorded conversion model, newest first. */
  public static List<Recorded> models(CassandraTarget target) {
    List<Map.Entry<Instant, Recorded>> found = new ArrayList<>();
    try (CqlSession cql = CqlSessions.open(target)) {
      for (com.datastax.oss.driver.api.core.cql.Row row : cql.execute(
          "SELECT version, created_at, path, params, metrics FROM models WHERE kind = 'conversion'")) {
        found.add(Map.entry(row.getInstant(1), new Recorded(row.getString(0), row.getString(2),
            row.getMap(3, String.class, String.class), row.getMap(4, String.class, Double.class))));
      }
    }
    found.sort(Map.Entry.<Instant, Recorded>comparingByKey().reversed());
    return found.stream().map(Map.Entry::getValue).toList();
  }

  /** The model {@code version}, or the newest when null. */
  public static Recorded model(CassandraTarget target, String version) {
    for (Recorded recorded : models(target)) {
      if (version == null || recorded.version().equals(version)) {
        return recorded;
      }
    }
    throw new UserException(version == null ? "no conversion model yet: run `bin/trailcast model train` first"
        : "no conversion model " + version + " (bin/trailcast model list)");
  }

  /**
   * Scores every human session of {@code from..to} with a scorable trail into conversion_scores;
   * sessions under the model's minimum pageviews get no row. Returns the rows written.
   */
  public static long score(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      Recorded recorded) {
    try (CqlSession cql = CqlSessions.open(target)) {
      SchemaMigrator.requireCurrent(cql, target.keyspace());
      JobRuns run = JobRuns.start(cql, "model-score", List.of(recorded.version()), from, to);
      PipelineModel model = PipelineModel.load(recorded.path());
      Dataset<Row> scored = ConversionModel.score(model,
          Trails.of(spark, target, from, to, recorded.funnel(), recorded.minPageviews()));
      Broadcast<Explainer> explainer = spark.sparkContext().broadcast(Explainer.of(model),
          scala.reflect.ClassTag$.MODULE$.apply(Explainer.class));
      String version = recorded.version();
      Dataset<Row> rows = scored.select(col("user_id"), date_format(col("day"), "yyyy-MM").as("month"),
              col("scored_at"), col("session_id"), col("p"), col("features"))
          .mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
            Explainer local = explainer.value();
            List<Row> out = new ArrayList<>();
            while (it.hasNext()) {
              Row r = it.next();
              out.add(RowFactory.create(r.getString(0), r.getString(1), r.getTimestamp(2), r.getString(3),
                  r.getDouble(4), version, scala.collection.JavaConverters.asScalaBuffer(
                      local.strongest((Vector) r.get(5), 3)).toSeq()));
            }
            return out.iterator();
          }, Encoders.row(SCORES)).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        CassandraWriter.write(spark, rows, target, "conversion_scores");
        long written = rows.count();
        run.succeeded(cql, Map.of("scores", written));
        return written;
      } catch (RuntimeException e) {
        run.failed(cql, Map.of(), String.valueOf(e.getMessage()));
        throw e;
      } finally {
        rows.unpersist();
      }
    }
  }

  /** Which features pushed a score most: coefficient × value (logistic) or importance where present (gbt). */
  public record Explainer(List<String> names, double[] weights, boolean signed) implements java.io.Serializable {
    static Explainer of(PipelineModel model) {
      Object last = model.stages()[model.stages().length - 1];
      List<String> names = ConversionModel.featureNames(model);
      if (last instanceof LogisticRegressionModel lr) {
        return new Explainer(names, lr.coefficients().toArray(), true);
      }
      return new Explainer(names, ((GBTClassificationModel) last).featureImportances().toArray(), false);
    }

    /** The {@code n} strongest features of one row, as "name +0.42" (pushing up) or "name -0.13". */
    List<String> strongest(Vector features, int n) {
      List<double[]> contributions = new ArrayList<>();
      org.apache.spark.ml.linalg.SparseVector sparse = features.toSparse();
      for (int k = 0; k < sparse.indices().length; k++) {
        int index = sparse.indices()[k];
        double value = sparse.values()[k];
        if (index < weights.length && value != 0) {
          contributions.add(new double[] {index, signed ? weights[index] * value : weights[index]});
        }
      }
      contributions.sort(Comparator.comparingDouble((double[] c) -> -Math.abs(c[1])));
      List<String> out = new ArrayList<>();
      for (double[] c : contributions.subList(0, Math.min(n, contributions.size()))) {
        int i = (int) c[0];
        out.add(String.format(java.util.Locale.ROOT, "%s %+.3f", i < names.size() ? names.get(i) : "#" + i, c[1]));
      }
      return out;
    }
  }
}
