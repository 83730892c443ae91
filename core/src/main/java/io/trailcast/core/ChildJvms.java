package io.trailcast.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the embedded servers (Cassandra, Kafka) share: each runs in a child JVM started from a
 * one-class launcher and its own classpath, keeps its pid and ports in a state file in its data
 * directory, and is found again, waited for and stopped the same way.
 */
public final class ChildJvms {
  private static final Logger LOG = LoggerFactory.getLogger(ChildJvms.class);

  private ChildJvms() {
  }

  /** Copies {@code launcher}'s class file alone into DATA_DIR/launcher: the child's classpath must not meet ours. */
  public static Path copyLauncher(Class<?> launcher, Path dataDir) {
    Path launcherDir = dataDir.resolve("launcher");
    String resource = launcher.getName().replace('.', '/') + ".class";
    Path target = launcherDir.resolve(resource);
    try (InputStream in = launcher.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class file " + resource + " not found");
      }
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
    return launcherDir;
  }

  /** The live process of a state file's pid that runs {@code launcher} (a recycled pid does not count). */
  public static boolean runs(long pid, Class<?> launcher) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(h -> h.info().arguments().map(args -> List.of(args).contains(launcher.getName())).orElse(true))
        .isPresent();
  }

  /** SIGTERM, then SIGKILL if the process has not exited within {@code timeout}. */
  public static void terminate(ProcessHandle handle, Duration timeout, String what) {
    handle.destroy();
    try {
      handle.onExit().get(timeout.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("{} (pid {}) did not stop within {} s; killing it", what, handle.pid(), timeout.toSeconds());
      handle.destroyForcibly();
    }
  }

  public static boolean portAccepts(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public static Properties readProperties(Path file) {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return props;
  }

  public static void writeProperties(Path file, Properties props, String comment) {
    try (var out = Files.newOutputStream(file)) {
      props.store(out, comment);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last non-blank line of a child's output, for a one-line error. */
  public static String lastLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).trim();
        }
      }
    } catch (IOException e) {
      return "no output";
    }
    return "no output";
  }

  /** Waits a little between two readiness checks. */
  public static void pause(String what) {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while waiting for " + what, e);
    }
  }

  public static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("could not delete {}", file, e);
    }
  }

  /**
   * Held while a child JVM of {@code dataDir} is looked for and started: two {@code start} at once
   * (two terminals, two test JVMs) would otherwise both find none and launch two on one data
   * folder. The second waits, then finds the first's. Let go when closed or when its JVM exits.
   */
  public static Held startLock(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dataDir.resolve(".start.lock"),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
      // Callers hold a monitor per folder: within one JVM a second lock of the file would throw, not wait.
      java.nio.channels.FileLock lock = channel.lock();
      return () -> {
        try {
          lock.release();
          channel.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + dataDir + " to start a child JVM", e);
    }
  }

  /** A lock held until closed. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }
}
