package io.trailcast.aggregate.testing;

import static io.trailcast.core.testing.TestCassandra.store;

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
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Six simulated days of 600 persons in one keyspace, ingested, cut into sessions, themed (Word2Vec
 * on their navigation) and aggregated again with themes: built once per build on the build's
 * shared node and shared by the integration tests of aggregate, segments and models, which only
 * add their own tables to it. The first test JVM that needs it builds it under a file lock and
 * writes a marker last; the test JVMs of later modules find the marker and reuse the week.
 */
public final class SimulatedWeek {
  public static final LocalDate START = LocalDate.of(2026, 1, 5);
  public static final LocalDate END = START.plusDays(5);
  public static final String SALT = "salt";
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedWeek.class);
  private static SimulatedWeek built;

  public final CassandraTarget target;
  final Path dir;

  private SimulatedWeek(CassandraTarget target, Path dir) {
    this.target = target;
    this.dir = dir;
  }

  /** The simulator's output folder (logs, crm.csv, truth/). */
  public Path traffic() {
    return dir.resolve("traffic");
  }

  public static synchronized SimulatedWeek get() {
    if (built == null) {
      built = buildOnce();
    }
    return built;
  }

  /** The week of this build: built here, unless a test JVM of the build built it before. */
  private static SimulatedWeek buildOnce() {
    Path home = TestCassandra.sharedDir("simulated-week");
    Path marker = home.resolve("built.properties");
    try (FileChannel channel = FileChannel.open(home.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      // Held until the channel closes. get() is synchronized: in one JVM a second lock would throw, not wait.
      channel.lock();
      Properties properties = new Properties();
      if (Files.isRegularFile(marker)) {
        try (InputStream in = Files.newInputStream(marker)) {
          properties.load(in);
        }
        LOG.info("reusing the simulated week of this build, keyspace {}", properties.getProperty("keyspace"));
        return new SimulatedWeek(TestCassandra.node().withKeyspace(properties.getProperty("keyspace")),
            Path.of(properties.getProperty("dir")));
      }
      long started = System.nanoTime();
      SimulatedWeek week = build(home);
      properties.setProperty("keyspace", week.target.keyspace());
      properties.setProperty("dir", week.dir.toString());
      Path partial = home.resolve("built.properties.tmp");
      try (OutputStream out = Files.newOutputStream(partial)) {
        properties.store(out, "the simulated week, built to the end");
      }
      Files.move(partial, marker, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("built the simulated week in {} s", (System.nanoTime() - started) / 1_000_000_000L);
      return week;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SimulatedWeek build(Path home) {
    Path dir;
    try {
      // A folder of its own: a build that failed midway leaves its files behind, and no marker.
      dir = Files.createTempDirectory(home, "build-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CassandraTarget target = TestCassandra.keyspaceFor(SimulatedWeek.class);
    SparkSession spark = TestSpark.connectedTo(target);
    new Simulator(new SimulationConfig(600, 6, START, 23, LogFormat.COMBINED, 0.0, false, ZoneId.of("UTC"),
        dir.resolve("traffic"))).run();
    IngestJob.run(spark, store(target), new IngestConfig(List.of(dir.resolve("traffic/logs").toString()),
        InputFormat.AUTO,
        SiteConfig.defaults(), SALT, null, null, false));
    AggregateJob.run(spark, store(target), START, END, SessionRules.of(SiteConfig.defaults()));
    ThemeTraining.Result vectors = ThemeTraining.train(spark, store(target), START, END, List.of(),
        new UrlTokenizer(Language.AUTO, false, null), new Word2VecTrainer.Parameters(50, 5, 2, 5, true, 42, 2),
        dir.resolve("w2v"));
    ThemesJob.assign(spark, store(target), START, END, new ThemeAssigner(ThemeDefinitions.defaults(),
        WordVectors.read(vectors.file()), vectors.trained().version(), new UrlTokenizer(Language.AUTO, false, null)),
        false);
    // Again with themes: user_daily's theme pageviews (a user's history before a window, segments).
    AggregateJob.run(spark, store(target), START, END, SessionRules.of(SiteConfig.defaults()));
    return new SimulatedWeek(target, dir);
  }
}
