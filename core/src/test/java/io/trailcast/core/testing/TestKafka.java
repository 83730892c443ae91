package io.trailcast.core.testing;

import io.trailcast.core.kafka.BrokerSpec;
import io.trailcast.core.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one real Kafka broker of a test run, owned like {@link TestCassandra}'s node by the Maven
 * process of the build: every test JVM of the build reuses it, and it exits with its owner.
 */
public final class TestKafka {
  private static final String DIR_PREFIX = "trailcast-kafka-it-";
  private static EmbeddedKafka.Status broker;

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
      broker = running.orElseGet(() -> EmbeddedKafka.start(new BrokerSpec(dir, TestCassandra.freePort(),
          TestCassandra.freePort(), 256, owner)));
    }
    return broker;
  }

  /**
   * A broker of one test's own in {@code dir} (started now, owned like the shared one by the build),
   * for a test that stops and restarts it: stopping the shared broker would pull it from under the
   * tests running beside it.
   */
  public static BrokerSpec privateBroker(Path dir) {
    BrokerSpec own = new BrokerSpec(dir, TestCassandra.freePort(), TestCassandra.freePort(), 256,
        TestCassandra.ownerPid());
    EmbeddedKafka.start(own);
    return own;
  }
}
