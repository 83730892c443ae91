package io.trailcast.core.cassandra;

import io.trailcast.core.ChildJvms;
import io.trailcast.core.TrailcastHome;
import io.trailcast.core.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Cassandra node (cassandra-all 5.0.9) in a child JVM with its own classpath. Starting a node
 * whose data directory already has a live node reuses it; the node's pid and ports are kept in its
 * data directory so any later command finds it.
 */
public final class EmbeddedCassandra {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCassandra.class);
  private static final java.util.concurrent.ConcurrentHashMap<Path, Object> STARTING =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final String STATE_FILE = "node.properties";

  /** Flags from Cassandra's conf/jvm17-server.options that a node on JDK 17 needs. */
  private static final List<String> JDK17_FLAGS = List.of(
      "-Djdk.attach.allowAttachSelf=true",
      "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
      "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
      "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.base/java.io=ALL-UNNAMED",
      "--add-opens", "java.base/java.nio=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens", "java.base/java.util=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/java.math=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/java.net=ALL-UNNAMED");

  private EmbeddedCassandra() {
  }

  /** What a running node looks like from outside. */
  public record Status(long pid, String host, int nativePort, Path dataDir, Path logFile, boolean ready) {
    public String describe() {
      return "Cassandra running (pid " + pid + ") on " + host + ":" + nativePort + (ready ? "" : " (starting)")
          + ", data in " + dataDir + ", log " + logFile;
    }
  }

  /** The live node of this data directory, if any. A stale pid file is removed. */
  public static Optional<Status> status(Path dataDir) {
    Path state = dataDir.resolve(STATE_FILE);
    if (!Files.isRegularFile(state)) {
      return Optional.empty();
    }
    Properties props = ChildJvms.readProperties(state);
    long pid = Long.parseLong(props.getProperty("pid"));
    int nativePort = Integer.parseInt(props.getProperty("native_port"));
    String host = props.getProperty("host", NodeSpec.HOST);
    if (!ChildJvms.runs(pid, NodeMain.class)) {
      ChildJvms.deleteQuietly(state);
      ChildJvms.deleteQuietly(dataDir.resolve("cassandra.pid"));
      return Optional.empty();
    }
    return Optional.of(new Status(pid, host, nativePort, dataDir,
        dataDir.resolve("logs/system.log"), ChildJvms.portAccepts(host, nativePort)));
  }

  /**
   * Starts the node described by {@code spec}, or reuses the live node of its data directory, and
   * returns once it accepts CQL connections.
   */
  public static Status start(NodeSpec spec) {
    // One start at a time per data folder, across processes (the file lock) and within this one (the monitor: a
    // second lock of the file would throw, not wait); nodes of other folders start at the same time.
    synchronized (STARTING.computeIfAbsent(spec.dataDir().toAbsolutePath().normalize(), d -> new Object())) {
      ChildJvms.Held held = ChildJvms.startLock(spec.dataDir());
      try (held) {
        return startUnlocked(spec);
      }
    }
  }

  private static Status startUnlocked(NodeSpec spec) {
    Optional<Status> existing = status(spec.dataDir());
    if (existing.isPresent()) {
      Status running = existing.get();
      LOG.debug("reusing embedded Cassandra (pid {}) on {}:{}", running.pid(), running.host(), running.nativePort());
      return running.ready() ? running : awaitReady(ProcessHandle.of(running.pid()).orElseThrow(), running);
    }
    if (ChildJvms.portAccepts(spec.host(), spec.nativePort())) {
      throw new UserException("port " + spec.nativePort() + " on " + spec.host()
          + " is taken by a process trailcast did not start (or by another trailcast node); stop it or give "
          + "--cassandra " + spec.host() + " to use it");
    }
    try {
      Files.createDirectories(spec.logDir());
      Files.createDirectories(spec.confDir());
      Path yaml = spec.confDir().resolve("cassandra.yaml");
      Files.writeString(yaml, yaml(spec));
      Path logback = spec.confDir().resolve("logback.xml");
      Files.writeString(logback, logback(spec.logDir()));
      Path launcherDir = ChildJvms.copyLauncher(NodeMain.class, spec.dataDir());
      List<String> command = command(spec, yaml, logback, launcherDir);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(spec.logDir().resolve("stdout.log").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process process = builder.start();
      long pid = process.pid();
      Files.writeString(spec.pidFile(), Long.toString(pid));
      Properties props = new Properties();
      props.setProperty("pid", Long.toString(pid));
      props.setProperty("host", spec.host());
      props.setProperty("native_port", Integer.toString(spec.nativePort()));
      props.setProperty("storage_port", Integer.toString(spec.storagePort()));
      ChildJvms.writeProperties(spec.dataDir().resolve(STATE_FILE), props,
          "embedded Cassandra node started by trailcast");
      LOG.info("starting embedded Cassandra (pid {}) on {}:{}, data in {}", pid, spec.host(), spec.nativePort(),
          spec.dataDir());
      Status starting = new Status(pid, spec.host(), spec.nativePort(), spec.dataDir(),
          spec.logDir().resolve("system.log"), false);
      return awaitReady(process.toHandle(), starting);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Cassandra in " + spec.dataDir(), e);
    }
  }

  /** Stops the live node of this data directory (SIGTERM: it drains and flushes). */
  public static boolean stop(Path dataDir) {
    Optional<Status> running = status(dataDir);
    if (running.isEmpty()) {
      return false;
    }
    ProcessHandle handle = ProcessHandle.of(running.get().pid()).orElse(null);
    if (handle != null) {
      ChildJvms.terminate(handle, STOP_TIMEOUT, "Cassandra");
    }
    ChildJvms.deleteQuietly(dataDir.resolve(STATE_FILE));
    ChildJvms.deleteQuietly(dataDir.resolve("cassandra.pid"));
    return true;
  }

  /**
   * Runs {@code nodetool ARGS} against the node of {@code spec} (through its JMX port) in a child JVM of
   * Cassandra's own jars; returns what it printed, or fails with its last line.
   */
  public static String nodetool(NodeSpec spec, Duration timeout, String... args) {
    if (spec.jmxPort() <= 0) {
      throw new UserException("the node in " + spec.dataDir() + " has no JMX port: nodetool cannot reach it");
    }
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-XX:TieredStopAtLevel=1");
      command.addAll(JDK17_FLAGS);
      command.add("-cp");
      command.add(Files.readString(TrailcastHome.cassandraClasspathFile()).trim());
      command.add("org.apache.cassandra.tools.NodeTool");
      command.addAll(List.of("-h", NodeSpec.HOST, "-p", Integer.toString(spec.jmxPort())));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      java.util.concurrent.CompletableFuture<byte[]> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return process.getInputStream().readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!process.waitFor(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new UserException("nodetool " + String.join(" ", args) + " did not finish within " + timeout);
      }
      String printed = new String(output.join(), java.nio.charset.StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        String[] lines = printed.strip().split("\n");
        throw new UserException("nodetool " + String.join(" ", args) + " failed on " + spec.host() + ": "
            + lines[lines.length - 1]);
      }
      return printed;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run nodetool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while nodetool ran", e);
    }
  }

  private static Status awaitReady(ProcessHandle process, Status starting) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new UserException("the embedded Cassandra exited while starting; see "
            + starting.dataDir().resolve("logs") + " ("
            + ChildJvms.lastLine(starting.dataDir().resolve("logs/stdout.log")) + ")");
      }
      if (ChildJvms.portAccepts(starting.host(), starting.nativePort())) {
        return new Status(starting.pid(), starting.host(), starting.nativePort(), starting.dataDir(),
            starting.logFile(), true);
      }
      ChildJvms.pause("Cassandra");
    }
    throw new UserException("the embedded Cassandra did not accept connections within "
        + START_TIMEOUT.toMinutes() + " min; see " + starting.logFile());
  }

  private static List<String> command(NodeSpec spec, Path yaml, Path logback, Path launcherDir) throws IOException {
    List<String> command = new ArrayList<>();
    if (spec.parentPid() == null && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      // A node that outlives the command gets its own session: Ctrl-C in the terminal is not for it.
      command.add("/usr/bin/setsid");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms" + spec.heapMb() + "m");
    command.add("-Xmx" + spec.heapMb() + "m");
    command.add("-Xss256k");
    command.add("-XX:+UseG1GC");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-Djava.net.preferIPv4Stack=true");
    command.add("-Dio.netty.tryReflectionSetAccessible=true");
    command.addAll(JDK17_FLAGS);
    command.add("-Dcassandra.config=" + yaml.toUri());
    command.add("-Dcassandra.storagedir=" + spec.dataDir().resolve("data"));
    command.add("-Dcassandra.logdir=" + spec.logDir());
    command.add("-Dlogback.configurationFile=" + logback.toUri());
    command.add("-Dcassandra-foreground=yes");
    command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    command.add("-Dcassandra.ring_delay_ms=1000");
    // A single node sets up its default role at once. In a cluster the setup waits for every node and
    // retries after this delay: 0 there is a busy loop (two million retries and log lines in 20 minutes).
    command.add("-Dcassandra.superuser_setup_delay_ms=" + (spec.inCluster() ? 5000 : 0));
    if (spec.jmxPort() > 0) {
      // Local JMX (bound to 127.0.0.1), for nodetool: flush, repair, status.
      command.add("-Dcassandra.jmx.local.port=" + spec.jmxPort());
    }
    if (spec.inCluster()) {
      // The nodes of a new local cluster join at once; their tokens are drawn, nothing streams.
      command.add("-Dcassandra.consistent.rangemovement=false");
    }
    if (spec.parentPid() != null && spec.inCluster()) {
      // A test's cluster: three nodes for a few minutes on a few thousand rows, beside everything else.
      // The client compiler alone costs them less CPU than it saves. Not the suite's shared node: with it the
      // suite took 15:25 and 20:10 of CPU, against 14:59 and 19:47 with C2 (docs/BENCHMARKS.md).
      command.add("-XX:TieredStopAtLevel=1");
    }
    if (spec.parentPid() != null) {
      command.add("-Dtrailcast.parent.pid=" + spec.parentPid());
      command.add("-Dcassandra.unsafesystem=true");
    }
    command.add("-cp");
    String jars = Files.readString(TrailcastHome.cassandraClasspathFile()).trim();
    command.add(launcherDir + java.io.File.pathSeparator + jars);
    command.add(NodeMain.class.getName());
    return command;
  }

  static String yaml(NodeSpec spec) {
    return String.join("\n",
        "cluster_name: trailcast",
        "num_tokens: 16",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + spec.seeds() + "\"",
        "listen_address: " + spec.host(),
        "rpc_address: " + spec.host(),
        // A node of a new cluster has no data to stream in: joining at once is what a first start wants.
        "auto_bootstrap: " + !spec.inCluster(),
        "storage_port: " + spec.storagePort(),
        "native_transport_port: " + spec.nativePort(),
        "start_native_transport: true",
        // Tests drop keyspaces all the time; a snapshot per drop is only disk and time here.
        "auto_snapshot: false",
        // Jobs send single-partition batches of up to 16 KiB (spark.cassandra.output.batch.size.bytes).
        "batch_size_warn_threshold: 64KiB",
        // The live tables are upserted again and again (a session at each of its events): a large
        // memtable merges those versions before they reach disk, instead of flushing small
        // memtables every second and compacting them (most of the node's CPU under the stream).
        "memtable_allocation_type: offheap_objects",
        "memtable_offheap_space: " + spec.heapMb() * 3 / 4 + "MiB",
        "");
  }

  private static String logback(Path logDir) {
    return "<configuration>\n"
        + "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">\n"
        + "    <file>" + logDir.resolve("system.log") + "</file>\n"
        + "    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>\n"
        + "  </appender>\n"
        + "  <root level=\"INFO\"><appender-ref ref=\"FILE\"/></root>\n"
        + "</configuration>\n";
  }
}
