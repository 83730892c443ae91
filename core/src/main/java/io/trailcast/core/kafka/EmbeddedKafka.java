package io.trailcast.core.kafka;

import io.trailcast.core.ChildJvms;
import io.trailcast.core.TrailcastHome;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.EmbeddedCassandra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (kafka_2.13 4.3.1, KRaft: broker and controller in one process) in a child
 * JVM with its own classpath (deploy/kafka-node). Its storage is formatted on first start; starting
 * a broker whose data directory has a live one reuses it, as {@link EmbeddedCassandra} does.
 */
public final class EmbeddedKafka {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final String STATE_FILE = "broker.state";

  private EmbeddedKafka() {
  }

  /** What a running broker looks like from outside. */
  public record Status(long pid, String host, int port, Path dataDir, Path logFile, boolean ready) {
    public String bootstrap() {
      return host + ":" + port;
    }

    public String describe() {
      return "Kafka running (pid " + pid + ") on " + bootstrap() + (ready ? "" : " (starting)") + ", data in "
          + dataDir + ", log " + logFile;
    }
  }

  /** The live broker of this data directory, if any. A stale state file is removed. */
  public static Optional<Status> status(Path dataDir) {
    Path state = dataDir.resolve(STATE_FILE);
    if (!Files.isRegularFile(state)) {
      return Optional.empty();
    }
    Properties props = ChildJvms.readProperties(state);
    long pid = Long.parseLong(props.getProperty("pid"));
    int port = Integer.parseInt(props.getProperty("port"));
    if (!ChildJvms.runs(pid, BrokerMain.class)) {
      ChildJvms.deleteQuietly(state);
      return Optional.empty();
    }
    return Optional.of(new Status(pid, BrokerSpec.HOST, port, dataDir, dataDir.resolve("logs/server.log"),
        ChildJvms.portAccepts(BrokerSpec.HOST, port)));
  }

  /** Starts the broker of {@code spec} (formatting its storage the first time), or reuses the live one. */
  public static synchronized Status start(BrokerSpec spec) {
    // One start at a time per data folder, across processes: the second finds the first's.
    ChildJvms.Held held = ChildJvms.startLock(spec.dataDir());
    try (held) {
      return startUnlocked(spec);
    }
  }

  private static Status startUnlocked(BrokerSpec spec) {
    Optional<Status> existing = status(spec.dataDir());
    if (existing.isPresent()) {
      Status running = existing.get();
      return running.ready() ? running : awaitReady(ProcessHandle.of(running.pid()).orElseThrow(), running);
    }
    for (int port : new int[] {spec.port(), spec.controllerPort()}) {
      if (ChildJvms.portAccepts(BrokerSpec.HOST, port)) {
        throw new UserException("port " + port + " on " + BrokerSpec.HOST + " is taken by a process trailcast did "
            + "not start; stop it, or give your own brokers with --source kafka:HOST:PORT/TOPIC");
      }
    }
    try {
      Files.createDirectories(spec.logDir());
      Path properties = spec.dataDir().resolve("server.properties");
      Files.writeString(properties, serverProperties(spec));
      Path log4j = spec.dataDir().resolve("log4j2.properties");
      Files.writeString(log4j, log4j(spec.logDir()));
      Path launcherDir = ChildJvms.copyLauncher(BrokerMain.class, spec.dataDir());
      String jars = Files.readString(TrailcastHome.kafkaClasspathFile()).trim();
      if (!Files.isRegularFile(spec.segmentsDir().resolve("meta.properties"))) {
        format(spec, properties, log4j, jars);
      }
      List<String> command = new ArrayList<>();
      if (spec.parentPid() == null && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        // A broker that outlives the command gets its own session: Ctrl-C in the terminal is not for it.
        command.add("/usr/bin/setsid");
      }
      command.addAll(java(spec, log4j));
      if (spec.parentPid() != null) {
        command.add("-Dtrailcast.parent.pid=" + spec.parentPid());
      }
      command.add("-cp");
      command.add(launcherDir + java.io.File.pathSeparator + jars);
      command.add(BrokerMain.class.getName());
      command.add(properties.toString());
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(spec.logDir().resolve("stdout.log").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      Properties state = new Properties();
      state.setProperty("pid", Long.toString(process.pid()));
      state.setProperty("port", Integer.toString(spec.port()));
      ChildJvms.writeProperties(spec.dataDir().resolve(STATE_FILE), state,
          "embedded Kafka broker started by trailcast");
      LOG.info("starting embedded Kafka (pid {}) on {}, data in {}", process.pid(), spec.bootstrap(), spec.dataDir());
      return awaitReady(process.toHandle(), new Status(process.pid(), BrokerSpec.HOST, spec.port(), spec.dataDir(),
          spec.logDir().resolve("server.log"), false));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Kafka in " + spec.dataDir(), e);
    }
  }

  /** Stops the live broker of this data directory (SIGTERM: a clean shutdown; killed after a minute). */
  public static boolean stop(Path dataDir) {
    Optional<Status> running = status(dataDir);
    if (running.isEmpty()) {
      return false;
    }
    ProcessHandle.of(running.get().pid()).ifPresent(handle -> ChildJvms.terminate(handle, STOP_TIMEOUT, "Kafka"));
    ChildJvms.deleteQuietly(dataDir.resolve(STATE_FILE));
    return true;
  }

  static String serverProperties(BrokerSpec spec) {
    String controller = BrokerSpec.HOST + ":" + spec.controllerPort();
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "listeners=PLAINTEXT://" + spec.bootstrap() + ",CONTROLLER://" + controller,
        "advertised.listeners=PLAINTEXT://" + spec.bootstrap(),
        "controller.listener.names=CONTROLLER",
        "controller.quorum.bootstrap.servers=" + controller,
        "log.dirs=" + spec.segmentsDir(),
        // One broker: every internal topic has one replica.
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "num.partitions=2",
        "");
  }

  private static String log4j(Path logDir) {
    return String.join("\n",
        "status = error",
        "appender.file.type = File",
        "appender.file.name = FILE",
        "appender.file.fileName = " + logDir.resolve("server.log"),
        "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = [%d] %p %m (%c)%n",
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.file.ref = FILE",
        "");
  }

  /** kafka-server-start's JVM flags. */
  private static List<String> java(BrokerSpec spec, Path log4j) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms" + spec.heapMb() + "m", "-Xmx" + spec.heapMb() + "m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-XX:MaxInlineLevel=15",
        "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true", "-Djava.net.preferIPv4Stack=true",
        "-Dlog4j2.configurationFile=" + log4j.toUri(),
        // Else log4j's own hook stops logging in the middle of the broker's shutdown.
        "-Dlog4j2.shutdownHookEnabled=false");
  }

  /** {@code kafka-storage format}: a new cluster id, a single-node dynamic quorum. */
  private static void format(BrokerSpec spec, Path properties, Path log4j, String jars) throws IOException {
    List<String> command = new ArrayList<>(java(new BrokerSpec(spec.dataDir(), spec.port(), spec.controllerPort(),
        256, null), log4j));
    command.addAll(List.of("-cp", jars, "kafka.tools.StorageTool", "format", "--config", properties.toString(),
        "--cluster-id", clusterId(), "--standalone"));
    Path out = spec.logDir().resolve("format.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new UserException("formatting the embedded Kafka's storage failed: " + ChildJvms.lastLine(out) + " ("
            + out + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while formatting Kafka's storage", e);
    }
  }

  /** A Kafka cluster id: 16 random bytes in URL-safe base64, not starting with '-' (as Kafka's own). */
  static String clusterId() {
    while (true) {
      UUID uuid = UUID.randomUUID();
      byte[] bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits()).array();
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      if (!id.startsWith("-")) {
        return id;
      }
    }
  }

  private static Status awaitReady(ProcessHandle process, Status starting) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new UserException("the embedded Kafka exited while starting; see " + starting.logFile() + " ("
            + ChildJvms.lastLine(starting.dataDir().resolve("logs/stdout.log")) + ")");
      }
      // The broker port accepts connections only once the broker processes requests.
      if (ChildJvms.portAccepts(starting.host(), starting.port())) {
        return new Status(starting.pid(), starting.host(), starting.port(), starting.dataDir(), starting.logFile(),
            true);
      }
      ChildJvms.pause("Kafka");
    }
    throw new UserException("the embedded Kafka did not accept connections within " + START_TIMEOUT.toMinutes()
        + " min; see " + starting.logFile());
  }
}
