package io.trailcast.deploy;

import io.trailcast.core.cassandra.Store;
import io.trailcast.enrich.ThemeModels;
import io.trailcast.enrich.ThemesJob;
import io.trailcast.enrich.themes.ThemeAssigner;
import io.trailcast.enrich.themes.ThemeDefinitions;
import io.trailcast.enrich.vectors.WordVectors;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** The themes step of the scheduled runs: new page URLs of the window get a theme before aggregation. */
final class ThemeStage {
  private ThemeStage() {
  }

  /** Assigns the window's new URLs with the newest model and the shipped definitions; says so when there is none. */
  static void run(SparkSession spark, Store store, LocalDate from, LocalDate to, PrintWriter out) {
    Optional<ThemeModels.Model> model = ThemeModels.newest(store.cql());
    if (model.isEmpty()) {
      out.println("[themes]    no word2vec model yet: skipped (bin/trailcast themes train, docs/themes.md)");
      out.flush();
      return;
    }
    ThemeAssigner assigner = new ThemeAssigner(ThemeDefinitions.defaults(),
        WordVectors.read(Path.of(model.get().path())), model.get().version(), model.get().tokenizer());
    out.println("[themes]    " + ThemesJob.assign(spark, store, from, to, assigner, false).line());
    out.flush();
  }
}
