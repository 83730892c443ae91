package io.trailcast.models;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The conversion models recorded in the {@code models} table: what training writes, scoring reads. */
public final class ModelRegistry {
  /** The kind of a model trained on session trails, which scores sessions. */
  public static final String TRAILS = "conversion";
  /** The kind of a model trained on a user's feature table ({@code model train --features}). */
  public static final String TABLE = "feature-table";

  private ModelRegistry() {
  }

  /** A recorded conversion model; {@code dataTo} is the last day of its window (null for a feature table). */
  public record Recorded(String kind, String version, String path, Map<String, String> params,
      Map<String, Double> metrics, LocalDate dataTo, ModelCurves curves) {
    public int minPageviews() {
      return Integer.parseInt(params.getOrDefault("min_pageviews", "2"));
    }

    public List<String> funnel() {
      String funnel = params.getOrDefault("funnel", "");
      return funnel.isEmpty() ? List.of() : List.of(funnel.split("\n"));
    }

    /** The families its training compared (none for a model trained before they were recorded). */
    public List<FamilyFigures> families() {
      List<FamilyFigures> out = new ArrayList<>();
      for (String family : ConversionModel.FAMILIES) {
        String prefix = "family." + family + ".";
        if (params.containsKey(prefix + "cv_roc_auc")) {
          out.add(new FamilyFigures(family, Double.parseDouble(params.get(prefix + "cv_roc_auc")),
              Double.parseDouble(params.get(prefix + "roc_auc")), Double.parseDouble(params.get(prefix + "pr_auc")),
              Double.parseDouble(params.get(prefix + "seconds")), params.get(prefix + "params")));
        }
      }
      return out;
    }
  }

  /**
   * What one family of a training's search reached: its cross-validated ROC AUC on the training rows (what
   * chose the family kept), the held-out ROC and PR AUC of its best pipeline, its search's seconds and the
   * parameters it chose.
   */
  public record FamilyFigures(String family, double cvRocAuc, double rocAuc, double prAuc, double seconds,
      String chosen) {
    /** The figures of {@code fit} on its held-out rows ({@code scored}: label and p). */
    static FamilyFigures of(ConversionModel.FamilyFit fit, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>
        scored) {
      org.apache.spark.ml.evaluation.BinaryClassificationEvaluator evaluator =
          new org.apache.spark.ml.evaluation.BinaryClassificationEvaluator().setLabelCol("label")
              .setRawPredictionCol("p");
      Map<String, String> chosen = new java.util.LinkedHashMap<>(fit.params());
      chosen.remove("algorithm");
      return new FamilyFigures(fit.family(), fit.cvAuc(), evaluator.setMetricName("areaUnderROC").evaluate(scored),
          evaluator.setMetricName("areaUnderPR").evaluate(scored), fit.seconds(), chosen.toString());
    }

    /** As the model's params hold them: {@code family.NAME.cv_roc_auc}, ... */
    Map<String, String> params() {
      String prefix = "family." + family + ".";
      return Map.of(prefix + "cv_roc_auc", Double.toString(cvRocAuc), prefix + "roc_auc", Double.toString(rocAuc),
          prefix + "pr_auc", Double.toString(prAuc), prefix + "seconds", Double.toString(seconds),
          prefix + "params", chosen);
    }
  }

  /** Records a saved model with its held-out curves. */
  public static void record(CqlSession cql, String kind, String version, String path, String algorithm,
      Map<String, String> params, Map<String, Double> metrics, LocalDate from, LocalDate to, List<String> features,
      ModelCurves curves) {
    cql.execute(SimpleStatement.newInstance("INSERT INTO models (kind, version, created_at, path, algorithm, params, "
        + "metrics, data_from, data_to, features, curves) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kind, version,
        Instant.now(), path, algorithm, params, metrics, from, to, features, curves.toJson()));
  }

  /** Every recorded model trained on trails, newest first. */
  public static List<Recorded> models(CqlSession cql) {
    return models(cql, List.of(TRAILS));
  }

  /** Every recorded model of {@code kinds}, newest first. */
  public static List<Recorded> models(CqlSession cql, List<String> kinds) {
    List<Map.Entry<Instant, Recorded>> found = new ArrayList<>();
    for (String kind : kinds) {
      for (com.datastax.oss.driver.api.core.cql.Row row : cql.execute(SimpleStatement.newInstance(
          "SELECT version, created_at, path, params, metrics, data_to, curves FROM models WHERE kind = ?", kind))) {
        found.add(Map.entry(row.getInstant("created_at"), new Recorded(kind, row.getString("version"),
            row.getString("path"), row.getMap("params", String.class, String.class),
            row.getMap("metrics", String.class, Double.class), row.getLocalDate("data_to"),
            ModelCurves.fromJson(row.getString("curves")))));
      }
    }
    found.sort(Map.Entry.<Instant, Recorded>comparingByKey().reversed());
    return found.stream().map(Map.Entry::getValue).toList();
  }

  /** The model {@code version} of any kind (for show). */
  public static Recorded anyModel(CqlSession cql, String version) {
    for (Recorded recorded : models(cql, List.of(TRAILS, TABLE))) {
      if (recorded.version().equals(version)) {
        return recorded;
      }
    }
    throw new UserException("no model " + version + " (bin/trailcast model list)");
  }

  /** The model {@code version} that scores sessions, or the newest when null. */
  public static Recorded model(CqlSession cql, String version) {
    for (Recorded recorded : models(cql)) {
      if (version == null || recorded.version().equals(version)) {
        return recorded;
      }
    }
    if (version != null && models(cql, List.of(TABLE)).stream().anyMatch(r -> r.version().equals(version))) {
      throw new UserException("model " + version + " was trained on a feature table, not on session trails: it "
          + "cannot score sessions");
    }
    throw new UserException(version == null ? "no conversion model yet: run `bin/trailcast model train` first"
        : "no conversion model " + version + " (bin/trailcast model list)");
  }
}
