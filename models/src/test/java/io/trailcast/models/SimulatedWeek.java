package io.trailcast.models;

import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.enrich.ThemeTraining;
import io.trailcast.enrich.ThemesJob;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Six simulated days of 600 persons in one keyspace, ingested, cut into sessions, themed (Word2Vec
 * on their navigation) and aggregated again with themes: built once per test JVM and shared by
 * this module's integration tests, which only add their own tables to it.
 */
final class SimulatedWeek {
  static final LocalDate START = LocalDate.of(2026, 1, 5);
  static final LocalDate END = START.plusDays(5);
  static final String SALT = "salt";
  private static SimulatedWeek built;

  final CassandraTarget target;
  final Path dir;

  private SimulatedWeek(CassandraTarget target, Path dir) {
    this.target = target;
    this.dir = dir;
  }

  /** The simulator's output folder (logs, crm.csv, truth/). */
  Path traffic() {
    return dir.resolve("traffic");
  }

  static synchronized SimulatedWeek get() {
    if (built == null) {
      built = build();
    }
    return built;
  }

  private static SimulatedWeek build() {
    Path dir;
    try {
      dir = Files.createTempDirectory("trailcast-simulated-week");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CassandraTarget target = TestCassandra.keyspaceFor(SimulatedWeek.class);
    SparkSession spark = TestSpark.connectedTo(target);
    new Simulator(new SimulationConfig(600, 6, START, 23, LogFormat.COMBINED, 0.0, false, ZoneId.of("UTC"),
        dir.resolve("traffic"))).run();
    IngestJob.run(spark, target, new IngestConfig(List.of(dir.resolve("traffic/logs").toString()), InputFormat.AUTO,
        SiteConfig.defaults(), SALT, null, null, false));
    AggregateJob.run(spark, target, START, END, SessionRules.of(SiteConfig.defaults()));
    ThemeTraining.Result vectors = ThemeTraining.train(spark, target, START, END, List.of(),
        new UrlTokenizer(Language.AUTO, false, null), new Word2VecTrainer.Parameters(50, 5, 2, 5, true, 42, 2),
        dir.resolve("w2v"));
    ThemesJob.assign(spark, target, START, END, new ThemeAssigner(ThemeDefinitions.defaults(),
        WordVectors.read(vectors.file()), vectors.trained().version(), new UrlTokenizer(Language.AUTO, false, null)),
        false);
    // Again with themes: user_daily's theme pageviews (a user's history before a window, segments).
    AggregateJob.run(spark, target, START, END, SessionRules.of(SiteConfig.defaults()));
    return new SimulatedWeek(target, dir);
  }
}
