package io.trailcast.aggregate;

import static io.trailcast.core.testing.TestCassandra.store;
import io.trailcast.enrich.ThemeModels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.core.testing.TruthCsv;
import io.trailcast.enrich.ThemeTraining;
import io.trailcast.enrich.ThemesJob;
import io.trailcast.enrich.themes.Evaluation;
import io.trailcast.enrich.themes.ThemeAssigner;
import io.trailcast.enrich.themes.ThemeDefinitions;
import io.trailcast.enrich.tokens.Language;
import io.trailcast.enrich.tokens.UrlTokenizer;
import io.trailcast.enrich.vectors.Word2VecTrainer;
import io.trailcast.enrich.vectors.WordVectors;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated traffic in three languages → ingest → sessions → Word2Vec on the navigation → themes
 * of every page URL → pageviews per theme in the user aggregates, on the embedded node.
 */
class ThemesIT {
  private static final LocalDate START = LocalDate.of(2026, 1, 5);
  private static final LocalDate END = START.plusDays(1);
  @TempDir
  static Path tmp;
  private static CassandraTarget target;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    target = TestCassandra.keyspaceFor(ThemesIT.class);
    spark = TestSpark.connectedTo(target);
    new Simulator(new SimulationConfig(300, 2, START, 11, LogFormat.COMBINED, 0.0, false, ZoneId.of("UTC"),
        tmp.resolve("traffic"))).run();
    IngestJob.run(spark, store(target), new IngestConfig(List.of(tmp.resolve("traffic/logs").toString()),
        InputFormat.AUTO,
        SiteConfig.defaults(), "salt", null, null, false));
    AggregateJob.run(spark, store(target), START, END, SessionRules.of(SiteConfig.defaults()));
  }

  @Test
  void navigationVectorsThemeThePagesFarBetterThanKeywordsAndFeedTheUserAggregates() throws IOException {
    ThemeTraining.Result trained = ThemeTraining.train(spark, store(target), START, END, List.of(),
        new UrlTokenizer(Language.AUTO, false, null), new Word2VecTrainer.Parameters(50, 5, 2, 5, true, 42, 2),
        tmp.resolve("models"));
    ThemeModels.Model model = ThemeModels.get(store(target).cql(), null);
    assertEquals(trained.trained().version(), model.version(), "recorded in the models table");
    ThemeAssigner assigner = new ThemeAssigner(ThemeDefinitions.defaults(), WordVectors.read(Path.of(model.path())),
        model.version(), model.tokenizer());

    ThemesJob.Result first = ThemesJob.assign(spark, store(target), START, END, assigner, false);
    assertTrue(first.urls() > 300, first.line());
    assertEquals(first.urls(), first.scored());
    ThemesJob.Result again = ThemesJob.assign(spark, store(target), START, END, assigner, false);
    assertEquals(0, again.scored(), "a rerun scores only new URLs: " + again.line());
    assertEquals(first.urls(), again.kept());

    // Against the simulator's themes of the URLs that were seen (three languages).
    List<String> labels = new ArrayList<>();
    List<String> stored = new ArrayList<>();
    List<String> keywords = new ArrayList<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (String[] url : TruthCsv.rows(tmp.resolve("traffic/truth/urls.csv"))) {
        Row row = session.execute("SELECT theme, source FROM url_themes WHERE url = ?", url[0]).one();
        if (row != null && !url[1].isEmpty()) {
          labels.add(url[1]);
          stored.add(row.getString(0));
          keywords.add(assigner.keywordTheme(url[0], null));
        }
      }
    }
    double accuracy = Evaluation.of(labels, stored).accuracy();
    double baseline = Evaluation.of(labels, keywords).accuracy();
    assertTrue(labels.size() > 300, "labelled URLs seen: " + labels.size());
    assertTrue(accuracy > 0.9 && accuracy > baseline + 0.05, "model " + accuracy + " vs keywords " + baseline);

    // New definitions (a rule) are a new model version: everything is scored again, the rule first.
    Path definitions = tmp.resolve("themes.yaml");
    String shipped = new String(ThemeDefinitions.class.getResourceAsStream("default-themes.yaml").readAllBytes(),
        StandardCharsets.UTF_8);
    Files.writeString(definitions, shipped.replace("rules: []", "rules:\n  - {path_prefix: /music/, theme: sport}"));
    ThemeAssigner ruled = new ThemeAssigner(ThemeDefinitions.load(definitions), WordVectors.read(Path.of(model.path())),
        model.version(), model.tokenizer());
    assertEquals(first.urls(), ThemesJob.assign(spark, store(target), START, END, ruled, false).scored());
    try (CqlSession session = CqlSessions.open(target)) {
      for (Row row : session.execute("SELECT url, theme, source FROM url_themes")) {
        if (row.getString(0).startsWith("www.trailmag.com/music/")) {
          assertEquals(List.of("sport", "rule"), List.of(row.getString(1), row.getString(2)), row.getString(0));
        }
      }
    }

    // The user aggregates count pageviews per theme.
    AggregateJob.run(spark, store(target), START, END, SessionRules.of(SiteConfig.defaults()));
    try (CqlSession session = CqlSessions.open(target)) {
      long themed = 0;
      long pageviews = 0;
      for (Row row : session.execute("SELECT pageviews, theme_pageviews FROM user_daily")) {
        pageviews += row.getLong(0);
        Map<String, Long> themes = row.getMap(1, String.class, Long.class);
        long sum = themes.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(sum <= row.getLong(0), "themed pageviews are pageviews");
        themed += sum;
      }
      long lifetime = 0;
      for (Row row : session.execute("SELECT theme_pageviews FROM user_lifetime")) {
        lifetime += row.getMap(0, String.class, Long.class).values().stream().mapToLong(Long::longValue).sum();
      }
      assertTrue(themed > pageviews / 2, themed + " of " + pageviews);
      assertEquals(themed, lifetime, "lifetimes merge the days' theme counts");
    }
  }
}
