package io.trailcast.core.cluster;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailcast.core.ChildJvms;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.EmbeddedCassandra;
import io.trailcast.core.cassandra.NodeSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.spark.launcher.JavaModuleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster on this one machine from the project's own jars: a Spark standalone Master and Workers
 * (real {@code org.apache.spark.deploy} daemons, Spark's jars as SPARK_HOME) and Cassandra nodes on
 * 127.0.0.1, 127.0.0.2, ... (one address each, the same ports, their own JMX port and data folder).
 * Every process is a child JVM whose pid and ports live in its folder, so any later command finds,
 * restarts or stops it.
 */
public final class LocalCluster {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  private static final String STATE_FILE = "daemon.properties";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final String MASTER = "org.apache.spark.deploy.master.Master";
  private static final String WORKER = "org.apache.spark.deploy.worker.Worker";

  private LocalCluster() {
  }

  /**
   * What to run.
   *
   * @param dir everything the cluster writes (var/cluster)
   * @param nodes Cassandra nodes, on 127.0.0.1 up to 127.0.0.N
   * @param workers Spark workers, one core each
   * @param nativePort CQL port of every node; {@code storagePort} likewise
   * @param jmxBase node i's JMX port is jmxBase + i (JMX listens on 127.0.0.1 only, so the ports differ)
   * @param masterPort the Master's port; its web UI (and the JSON status read here) on {@code masterUiPort}
   * @param nodeHeapMb each node's heap; {@code workerMemoryMb} what each worker offers executors
   * @param sparkClasspath the Spark jars (deploy/spark-runtime's classpath file)
   * @param parentPid when set, every process exits once this one is gone (tests)
   */
  public record Spec(Path dir, int nodes, int workers, int nativePort, int storagePort, int jmxBase, int masterPort,
      int masterUiPort, int workerUiBase, int nodeHeapMb, int workerMemoryMb, Path sparkClasspath, Long parentPid) {
    public Spec {
      if (nodes < 1 || nodes > 9) {
        throw new UserException("--cassandra-nodes must be 1 to 9, not " + nodes);
      }
      if (workers < 1 || workers > 8) {
        throw new UserException("--workers must be 1 to 8, not " + workers);
      }
    }

    /**
     * The cluster {@code bin/trailcast cluster} manages under var/cluster, on the usual ports. Sized for
     * 2 cores and the driver beside it: 768 MB of heap per node, 1,280 MB of executor memory per worker.
     */
    public static Spec local(Path varDir, int nodes, int workers, Path sparkClasspath) {
      return new Spec(varDir.resolve("cluster").toAbsolutePath(), nodes, workers, CassandraTarget.DEFAULT_PORT, 7000,
          7200, 7077, 8080, 8081, 768, 1280, sparkClasspath, null);
    }

    public NodeSpec node(int i) {
      return new NodeSpec(dir.resolve("cassandra-" + i), host(i), nativePort, storagePort, jmxBase + i,
          host(1) + ":" + storagePort, nodes, nodeHeapMb, parentPid);
    }

    public String host(int i) {
      return "127.0.0." + i;
    }

    /** The hosts a job's {@code --cassandra} names (host:port when the port is not the default). */
    public String contactPoints() {
      List<String> hosts = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        hosts.add(nativePort == CassandraTarget.DEFAULT_PORT ? host(i) : host(i) + ":" + nativePort);
      }
      return String.join(",", hosts);
    }

    public String masterUrl() {
      return "spark://" + NodeSpec.HOST + ":" + masterPort;
    }

    Path masterDir() {
      return dir.resolve("spark-master");
    }

    Path workerDir(int i) {
      return dir.resolve("spark-worker-" + i);
    }
  }

  /** A Spark daemon's process. */
  public record Daemon(String name, long pid, String address) {
  }

  /** What runs: the master (null when down), the workers and the nodes that are up. */
  public record Status(String masterUrl, Daemon master, List<Daemon> workers, List<EmbeddedCassandra.Status> nodes,
      int workersExpected, int nodesExpected) {
    public boolean complete() {
      return master != null && workers.size() == workersExpected && nodes.size() == nodesExpected;
    }

    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      lines.add("spark master " + (master == null ? "down" : masterUrl + " (pid " + master.pid() + ", UI http://"
          + master.address() + ")"));
      for (Daemon worker : workers) {
        lines.add("spark " + worker.name() + " (pid " + worker.pid() + ", UI http://" + worker.address() + ")");
      }
      if (workers.size() < workersExpected) {
        lines.add("spark workers down: " + (workersExpected - workers.size()) + " of " + workersExpected);
      }
      for (EmbeddedCassandra.Status node : nodes) {
        lines.add("cassandra " + node.host() + ":" + node.nativePort() + " (pid " + node.pid() + ")"
            + (node.ready() ? "" : " starting") + ", data in " + node.dataDir());
      }
      if (nodes.size() < nodesExpected) {
        lines.add("cassandra nodes down: " + (nodesExpected - nodes.size()) + " of " + nodesExpected);
      }
      return lines;
    }
  }

  /** What runs of the cluster of {@code spec}. */
  public static Status status(Spec spec) {
    List<Daemon> workers = new ArrayList<>();
    for (int i = 1; i <= spec.workers(); i++) {
      daemon(spec.workerDir(i), "worker-" + i).ifPresent(workers::add);
    }
    List<EmbeddedCassandra.Status> nodes = new ArrayList<>();
    for (int i = 1; i <= spec.nodes(); i++) {
      EmbeddedCassandra.status(spec.node(i).dataDir()).ifPresent(nodes::add);
    }
    return new Status(spec.masterUrl(), daemon(spec.masterDir(), "master").orElse(null), workers, nodes,
        spec.workers(), spec.nodes());
  }

  /**
   * Starts what is down (all of it the first time) and returns once the Master has every worker and
   * every node is up in the ring.
   */
  public static Status start(Spec spec) {
    Path sparkHome = sparkHome(spec);
    if (daemon(spec.masterDir(), "master").isEmpty()) {
      launch(spec, spec.masterDir(), sparkHome, List.of(MASTER, "--host", NodeSpec.HOST, "--port",
          Integer.toString(spec.masterPort()), "--webui-port", Integer.toString(spec.masterUiPort())),
          spec.masterPort(), spec.masterUiPort(), 256);
    }
    for (int i = 1; i <= spec.workers(); i++) {
      if (daemon(spec.workerDir(i), "worker-" + i).isEmpty()) {
        int ui = spec.workerUiBase() + i - 1;
        awaitPort("the Spark master", NodeSpec.HOST, spec.masterPort());
        launch(spec, spec.workerDir(i), sparkHome, List.of(WORKER, "--host", NodeSpec.HOST, "--cores", "1",
            "--memory", spec.workerMemoryMb() + "m", "--work-dir", spec.workerDir(i).resolve("work").toString(),
            "--webui-port", Integer.toString(ui), spec.masterUrl()), 0, ui, 256);
      }
    }
    // The seed first; the others then join it together (nothing streams: their tokens are drawn).
    EmbeddedCassandra.start(spec.node(1));
    IntStream.rangeClosed(2, spec.nodes()).mapToObj(i -> CompletableFuture.runAsync(() -> EmbeddedCassandra.start(
        spec.node(i)))).toList().forEach(CompletableFuture::join);
    awaitWorkers(spec);
    awaitRing(spec);
    return status(spec);
  }

  /** Stops the workers, the master and the nodes (each drains; killed after a timeout). */
  public static Status stop(Spec spec) {
    for (int i = spec.workers(); i >= 1; i--) {
      stopDaemon(spec.workerDir(i), "Spark worker " + i);
    }
    stopDaemon(spec.masterDir(), "Spark master");
    for (int i = spec.nodes(); i >= 1; i--) {
      EmbeddedCassandra.stop(spec.node(i).dataDir());
    }
    return status(spec);
  }

  /** SIGKILL to node {@code i}: a crash, no drain (what the fault tests do). */
  public static void killNode(Spec spec, int i) {
    EmbeddedCassandra.Status node = EmbeddedCassandra.status(spec.node(i).dataDir())
        .orElseThrow(() -> new IllegalStateException("node " + i + " is not running"));
    ProcessHandle handle = ProcessHandle.of(node.pid()).orElseThrow();
    handle.destroyForcibly();
    handle.onExit().join();
  }

  /**
   * A full repair of {@code keyspace}, each node its primary ranges in turn (nodetool over JMX): every range
   * made equal on all its replicas, which hints alone do not guarantee after a crash. Returns the
   * seconds it took.
   */
  public static double repair(Spec spec, String keyspace) {
    long started = System.nanoTime();
    for (int i = 1; i <= spec.nodes(); i++) {
      EmbeddedCassandra.nodetool(spec.node(i), Duration.ofMinutes(10), "repair", "-full", "-pr", keyspace);
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /** Stops node {@code i} (SIGTERM: it drains and flushes). */
  public static void stopNode(Spec spec, int i) {
    EmbeddedCassandra.stop(spec.node(i).dataDir());
  }

  /** SIGKILL to worker {@code i}; its executor goes with it. */
  public static void killWorker(Spec spec, int i) {
    Daemon worker = daemon(spec.workerDir(i), "worker-" + i)
        .orElseThrow(() -> new IllegalStateException("worker " + i + " is not running"));
    ProcessHandle handle = ProcessHandle.of(worker.pid()).orElseThrow();
    handle.descendants().forEach(ProcessHandle::destroyForcibly);
    handle.destroyForcibly();
    handle.onExit().join();
  }

  /**
   * SPARK_HOME for the workers, which launch executors from its {@code jars/}: links to the jars of
   * deploy/spark-runtime, the very ones the driver and {@code spark-submit} run on.
   */
  static Path sparkHome(Spec spec) {
    Path jars = spec.dir().resolve("spark-home/jars");
    try {
      Files.createDirectories(jars);
      for (String jar : Files.readString(spec.sparkClasspath()).trim().split(java.io.File.pathSeparator)) {
        Path source = Path.of(jar);
        Path link = jars.resolve(source.getFileName());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, source);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lay out Spark's jars in " + jars, e);
    }
    return jars.getParent();
  }

  private static void launch(Spec spec, Path dir, Path sparkHome, List<String> mainAndArgs, int port, int uiPort,
      int heapMb) {
    try {
      Files.createDirectories(dir);
      Path launcherDir = ChildJvms.copyLauncher(DaemonMain.class, dir);
      List<String> command = new ArrayList<>();
      if (spec.parentPid() == null && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        command.add("/usr/bin/setsid");
      }
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
      command.add("-Xmx" + heapMb + "m");
      command.add("-XX:TieredStopAtLevel=1");
      if (spec.parentPid() != null) {
        command.add("-Dtrailcast.parent.pid=" + spec.parentPid());
      }
      command.add("-cp");
      command.add(launcherDir + java.io.File.pathSeparator + sparkHome.resolve("jars") + "/*");
      command.add(DaemonMain.class.getName());
      command.addAll(mainAndArgs);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("daemon.log").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().put("SPARK_HOME", sparkHome.toString());
      builder.environment().put("SPARK_SCALA_VERSION", "2.12");
      builder.environment().put("SPARK_LOCAL_IP", NodeSpec.HOST);
      // Executors log to their work folder; the daemons' own log4j2 defaults print to daemon.log.
      Process process = builder.start();
      Properties props = new Properties();
      props.setProperty("pid", Long.toString(process.pid()));
      props.setProperty("port", Integer.toString(port));
      props.setProperty("ui_port", Integer.toString(uiPort));
      ChildJvms.writeProperties(dir.resolve(STATE_FILE), props, "Spark daemon started by trailcast cluster");
      LOG.info("starting {} (pid {}), log {}", mainAndArgs.get(0).substring(mainAndArgs.get(0).lastIndexOf('.') + 1),
          process.pid(), dir.resolve("daemon.log"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a Spark daemon in " + dir, e);
    }
  }

  private static Optional<Daemon> daemon(Path dir, String name) {
    Path state = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(state)) {
      return Optional.empty();
    }
    Properties props = ChildJvms.readProperties(state);
    long pid = Long.parseLong(props.getProperty("pid"));
    if (!ChildJvms.runs(pid, DaemonMain.class)) {
      ChildJvms.deleteQuietly(state);
      return Optional.empty();
    }
    return Optional.of(new Daemon(name, pid, NodeSpec.HOST + ":" + props.getProperty("ui_port")));
  }

  private static void stopDaemon(Path dir, String what) {
    daemon(dir, what).ifPresent(d -> ProcessHandle.of(d.pid()).ifPresent(h -> ChildJvms.terminate(h, STOP_TIMEOUT,
        what)));
    ChildJvms.deleteQuietly(dir.resolve(STATE_FILE));
  }

  private static void awaitPort(String what, String host, int port) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!ChildJvms.portAccepts(host, port)) {
      if (System.nanoTime() > deadline) {
        throw new UserException(what + " did not listen on " + host + ":" + port + " within "
            + START_TIMEOUT.toMinutes() + " min");
      }
      ChildJvms.pause(what);
    }
  }

  /** Until the Master's JSON status lists every worker ALIVE. */
  private static void awaitWorkers(Spec spec) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI uri = URI.create("http://" + NodeSpec.HOST + ":" + spec.masterUiPort() + "/json/");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    int alive = 0;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        JsonNode json = new ObjectMapper().readTree(response.body());
        alive = json.path("aliveworkers").asInt();
        if (alive >= spec.workers()) {
          return;
        }
      } catch (IOException e) {
        LOG.debug("master not answering yet", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserException("interrupted while waiting for the Spark workers", e);
      }
      ChildJvms.pause("the Spark workers");
    }
    throw new UserException(alive + " of " + spec.workers() + " Spark workers registered with the master within "
        + START_TIMEOUT.toMinutes() + " min; see " + spec.dir() + "/spark-*/daemon.log");
  }

  /** Until the driver sees every node up (gossip has settled: the nodes know each other). */
  private static void awaitRing(Spec spec) {
    CassandraTarget target = CassandraTarget.parse(spec.contactPoints(), "system", CassandraTarget.DEFAULT_DC);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    long up = 0;
    try (CqlSession session = io.trailcast.core.cassandra.CqlSessions.openForSchemaChanges(target, false)) {
      while (System.nanoTime() < deadline) {
        up = session.getMetadata().getNodes().values().stream().filter(n -> n.getState() == NodeState.UP).count();
        long peers = session.execute("SELECT count(*) FROM system.peers_v2").one().getLong(0);
        if (up >= spec.nodes() && peers >= spec.nodes() - 1) {
          return;
        }
        ChildJvms.pause("the Cassandra ring");
      }
    }
    throw new UserException(up + " of " + spec.nodes() + " Cassandra nodes up in the ring within "
        + START_TIMEOUT.toMinutes() + " min; see " + spec.dir() + "/cassandra-*/logs/system.log");
  }
}
