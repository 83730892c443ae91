package io.trailcast.core.testing;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.cassandra.EmbeddedCassandra;
import io.trailcast.core.cassandra.NodeSpec;
import io.trailcast.core.cassandra.Replication;
import io.trailcast.core.cassandra.SchemaMigrator;
import io.trailcast.core.cassandra.Store;
import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The one real Cassandra node of a test run. A node is owned by the Maven process running the
 * build (or by the test JVM when run alone): every test JVM of that build reuses it, and it exits
 * by itself when its owner is gone, so a killed run leaves no orphan node.
 */
public final class TestCassandra {
  private static final String DIR_PREFIX = "trailcast-it-";
  private static CassandraTarget node;
  private static final java.util.Map<CassandraTarget, Store> STORES = new java.util.HashMap<>();
  private static Path nodeDir;

  private TestCassandra() {
  }

  /** The shared node (started on first use), without a keyspace of its own. */
  public static synchronized CassandraTarget node() {
    if (node == null) {
      long owner = ownerPid();
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      sweepStaleNodes(tmp);
      Path dir = tmp.resolve(DIR_PREFIX + owner);
      EmbeddedCassandra.Status status = EmbeddedCassandra.status(dir)
          .orElseGet(() -> EmbeddedCassandra.start(new NodeSpec(dir, freePort(), freePort(), 1024, owner)));
      if (!status.ready()) {
        status = EmbeddedCassandra.start(new NodeSpec(dir, status.nativePort(), 0, 1024, owner));
      }
      node = new CassandraTarget(List.of(NodeSpec.HOST + ":" + status.nativePort()), status.nativePort(),
          CassandraTarget.DEFAULT_DC, "trailcast");
      nodeDir = dir;
    }
    return node;
  }

  /**
   * A folder of the shared node's, for a fixture that every test JVM of the build shares (built into
   * the node once, found again by the others); it goes with the node's data.
   */
  public static synchronized Path sharedDir(String name) {
    node();
    try {
      return Files.createDirectories(nodeDir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh keyspace for one test class, holding the real schema of deploy/cql. */
  public static CassandraTarget keyspaceFor(Class<?> testClass) {
    return keyspaceFor(testClass, "");
  }

  /** A second (third...) fresh keyspace for one test class, told apart by {@code suffix}. */
  public static CassandraTarget keyspaceFor(Class<?> testClass, String suffix) {
    String name = ("it_" + testClass.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        + (suffix.isEmpty() ? "" : "_" + suffix)).toLowerCase(Locale.ROOT);
    CassandraTarget target = node().withKeyspace(name.length() > 48 ? name.substring(0, 48) : name);
    try (CqlSession session = CqlSessions.openForSchemaChanges(target, false)) {
      session.execute("DROP KEYSPACE IF EXISTS " + target.keyspace());
    }
    SchemaMigrator.apply(target, Replication.EMBEDDED);
    return target;
  }

  /**
   * The test JVM's one store of {@code target} (opened on first use, closed when the JVM exits),
   * as a command holds one for all its jobs.
   */
  public static synchronized Store store(CassandraTarget target) {
    return STORES.computeIfAbsent(target, t -> {
      Store store = Store.open(t);
      Runtime.getRuntime().addShutdownHook(new Thread(store::close, "close store " + t.keyspace()));
      return store;
    });
  }

  /** The Maven JVM that forked this test JVM (through a shell), else this JVM. */
  static long ownerPid() {
    ProcessHandle self = ProcessHandle.current();
    for (ProcessHandle p = self.parent().orElse(null); p != null; p = p.parent().orElse(null)) {
      if (p.info().commandLine().map(cmd -> cmd.contains("plexus-classworlds")).orElse(false)) {
        return p.pid();
      }
    }
    return self.pid();
  }

  /** Data of nodes whose owner is gone (their node exited with it). */
  private static void sweepStaleNodes(Path tmp) {
    try (Stream<Path> dirs = Files.list(tmp)) {
      dirs.filter(dir -> dir.getFileName().toString().startsWith(DIR_PREFIX))
          .filter(dir -> ownerGone(dir.getFileName().toString().substring(DIR_PREFIX.length())))
          .filter(dir -> EmbeddedCassandra.status(dir).isEmpty())
          .forEach(TestCassandra::deleteTree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean ownerGone(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(h -> !h.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Deletes {@code dir} and what it holds. The test JVMs of a build sweep at the same time: a file
   * or folder another one deleted first is not an error.
   */
  static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path folder, IOException e) throws IOException {
          if (e != null && !(e instanceof NoSuchFileException)) {
            throw e;
          }
          Files.deleteIfExists(folder);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException gone) {
      // Swept by another test JVM.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
