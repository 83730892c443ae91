package io.trailcast.core.testing;

import io.trailcast.core.kafka.BrokerSpec;
import io.trailcast.core.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The one real Kafka broker of a test run, owned like {@link TestCassandra}'s node by the Maven
 * process of the build: every test JVM of the build reuses it, and it exits with its owner.
 */
public final class TestKafka {
  private static final String DIR_PREFIX = "trailcast-kafka-it-";
  private static EmbeddedKafka.Status broker;
  private static BrokerSpec spec;

  private TestKafka() {
  }

  /** The shared broker (started on first use). */
  public static synchronized EmbeddedKafka.Status broker() {
    if (broker == null) {
      long owner = TestCassandra.ownerPid();
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      try (Stream<Path> dirs = Files.list(tmp)) {
        dirs.filter(dir -> dir.getFileName().toString().startsWith(DIR_PREFIX))
            .filter(dir -> TestCassandra.ownerGone(dir.getFileName().toString().substring(DIR_PREFIX.length())))
            .filter(dir -> EmbeddedKafka.status(dir).isEmpty())
            .forEach(TestCassandra::deleteTree);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path dir = tmp.resolve(DIR_PREFIX + owner);
      Optional<EmbeddedKafka.Status> running = EmbeddedKafka.status(dir).filter(EmbeddedKafka.Status::ready);
      spec = running.isPresent() ? writtenSpec(dir, running.get().port(), owner)
          : new BrokerSpec(dir, TestCassandra.freePort(), TestCassandra.freePort(), 256, owner);
      broker = running.orElseGet(() -> EmbeddedKafka.start(spec));
    }
    return broker;
  }

  /**
   * Stops the shared broker (a clean shutdown), to see what its clients do without it. Call
   * {@link #restart()} in a {@code finally}: the tests after this one need the broker.
   */
  public static synchronized void stop() {
    broker();
    EmbeddedKafka.stop(spec.dataDir());
  }

  /** Starts the shared broker again as it was: same ports, same data (its topics and messages). */
  public static synchronized EmbeddedKafka.Status restart() {
    broker();
    broker = EmbeddedKafka.start(spec);
    return broker;
  }

  /**
   * The spec of a broker another test JVM of the build started: its controller port from the
   * {@code controller.quorum.bootstrap.servers} of the server.properties it wrote.
   */
  private static BrokerSpec writtenSpec(Path dir, int port, long owner) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve("server.properties"))) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String controller = properties.getProperty("controller.quorum.bootstrap.servers");
    return new BrokerSpec(dir, port, Integer.parseInt(controller.substring(controller.lastIndexOf(':') + 1)), 256,
        owner);
  }
}
