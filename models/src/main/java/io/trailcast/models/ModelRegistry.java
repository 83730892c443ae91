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
