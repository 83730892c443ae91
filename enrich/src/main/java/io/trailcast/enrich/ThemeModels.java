package io.trailcast.enrich;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import io.trailcast.enrich.tokens.Language;
import io.trailcast.enrich.tokens.UrlTokenizer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/** The word2vec models recorded in the {@code models} table (kind {@code word2vec}). */
public final class ThemeModels {
  private ThemeModels() {
  }

  /** A recorded vectors model: where its file is and the parameters it was made with. */
  public record Model(String version, String path, Map<String, String> params) {
    /** The tokenizer the model was trained with (language, stemming): assignments must use the same. */
    public UrlTokenizer tokenizer() {
      return new UrlTokenizer(Language.of(params.getOrDefault("language", "auto")),
          Boolean.parseBoolean(params.getOrDefault("stem", "false")), null);
    }
  }

  /** Records a vectors model. */
  public static void record(CqlSession cql, String version, String path, Map<String, String> params,
      Map<String, Double> metrics, LocalDate from, LocalDate to) {
    cql.execute(SimpleStatement.newInstance(
        "INSERT INTO models (kind, version, created_at, path, algorithm, params, metrics, data_from, data_to) "
            + "VALUES ('word2vec', ?, ?, ?, ?, ?, ?, ?, ?)", version, Instant.now(), path,
        params.getOrDefault("algorithm", "loaded"), params, metrics, from, to));
  }

  /** The newest model, if any was trained or loaded. */
  public static Optional<Model> newest(CqlSession cql) {
    return find(cql, null);
  }

  /** The newest model, or {@code version} when given; a clear error when there is none. */
  public static Model get(CqlSession cql, String version) {
    return find(cql, version).orElseThrow(() -> new UserException(version == null
        ? "no word2vec model yet: run `bin/trailcast themes train` first"
        : "no word2vec model " + version + " (bin/trailcast query \"SELECT version FROM models\")"));
  }

  private static Optional<Model> find(CqlSession cql, String version) {
    Model found = null;
    Instant foundAt = null;
    for (com.datastax.oss.driver.api.core.cql.Row row : cql.execute(
        "SELECT version, created_at, path, params FROM models WHERE kind = 'word2vec'")) {
      Instant createdAt = row.getInstant("created_at");
      if (version != null ? row.getString("version").equals(version)
          : foundAt == null || createdAt.isAfter(foundAt)) {
        found = new Model(row.getString("version"), row.getString("path"),
            row.getMap("params", String.class, String.class));
        foundAt = createdAt;
      }
    }
    return Optional.ofNullable(found);
  }
}
