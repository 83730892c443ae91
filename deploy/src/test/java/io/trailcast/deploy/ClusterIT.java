package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.cassandra.EmbeddedCassandra;
import io.trailcast.core.cassandra.Replication;
import io.trailcast.core.cassandra.SchemaMigrator;
import io.trailcast.core.cluster.LocalCluster;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unchanged job jar under {@code spark-submit --master spark://...} on a local Spark standalone
 * cluster (a master, two workers) against three Cassandra nodes at replication 3: the daily pipeline,
 * with its stream catch-up checkpointed on a path given as a URI, runs through a node killed with
 * SIGKILL in the middle of the catch-up's event writes and still down during ingest, the aggregate and
 * the stages after it, and through a worker killed with SIGKILL as the aggregate starts; once the node
 * is back, hinted and repaired, that node alone holds every table equal, row for row, to the same
 * pipeline on a single node; a backfill of the day, submitted the same way, keeps them equal.
 */
class ClusterIT {
  private static final String DAY = "2026-01-05";
  /** The spark-submit runs' logs, kept for a look after a failure. */
  private static final Path LOGS = Path.of("target", "cluster-it");

  @TempDir
  Path tmp;
  /** The spark-submit runs started, killed at the end if a failed assertion left them running. */
  private final List<Process> submitted = new ArrayList<>();

  @Test
  void pipelineThroughAKilledNodeEqualsTheSingleNodeRun() throws Exception {
    LocalCluster.Spec spec = new LocalCluster.Spec(tmp.resolve("cluster"), 3, 2, freePort(), freePort(),
        freePort(), freePort(), freePort(), freePort(), 512, 1024,
        Path.of(System.getProperty("trailcast.spark.classpath.file")), ProcessHandle.current().pid());
    try {
      LocalCluster.Status status = LocalCluster.start(spec);
      assertTrue(status.complete(), String.join("\n", status.lines()));
      Simulator.Summary simulated = new Simulator(new SimulationConfig(40, 1, LocalDate.parse(DAY), 5,
          LogFormat.JSONL, 0.02, true, ZoneId.of("UTC"), tmp)).run();
      Path salt = Files.writeString(tmp.resolve("salt"), "a-secret-salt");
      String logs = tmp.resolve("logs").toString();

      CassandraTarget cluster = CassandraTarget.parse(spec.contactPoints(), "it_cluster", CassandraTarget.DEFAULT_DC);
      UserException refused = assertThrows(UserException.class, () -> SchemaMigrator.apply(cluster, null));
      assertEquals("a cluster of 3 nodes: give --replication (simple:3, or DC:3 for each data centre); without it "
          + "the keyspace would keep one copy of every row", refused.getMessage());
      assertThrows(UserException.class, () -> SchemaMigrator.apply(cluster, Replication.parse("simple:4")),
          "more copies than nodes");
      // Created at two copies, then three: what was written at two (schema_migrations) reaches its third
      // replica by the repair below.
      SchemaMigrator.apply(cluster, Replication.parse("simple:2"));
      assertEquals("simple:2 -> simple:3", SchemaMigrator.apply(cluster, Replication.parse("simple:3"))
          .replicationChange(), "a changed replication is applied");

      // The same run on one node, in this JVM, while the cluster runs it: the cluster's run leaves half a core
      // idle (nodes, driver and executors waiting on each other).
      CassandraTarget single = TestCassandra.keyspaceFor(ClusterIT.class);
      // Then a backfill of the day, as on the cluster below.
      CompletableFuture<Object[]> reference = CompletableFuture.supplyAsync(() -> {
        Object[] run = CommandRun.run("pipeline", "--date", DAY, "--input", logs, "--stream-source", "dir:" + logs,
            "--checkpoint", tmp.resolve("checkpoint-single").toString(), "--salt-file", salt.toString(),
            "--cassandra", single.hosts().get(0), "--keyspace", single.keyspace());
        return !run[0].equals(0) ? run : CommandRun.run("backfill", "--from", DAY, "--to", DAY, "--cassandra",
            single.hosts().get(0), "--keyspace", single.keyspace());
      });

      // The daily run on the cluster, its stream catch-up checkpointed where every node could read it (a URI);
      // node 3 is killed once the catch-up's first events are stored, and stays down through ingest and after.
      Process pipeline = sparkSubmit("pipeline", spec.masterUrl(), "pipeline", "--date", DAY, "--input", logs,
          "--stream-source", "dir:" + logs, "--checkpoint", tmp.resolve("checkpoint-cluster").toUri().toString(),
          "--salt-file", salt.toString(), "--cassandra", spec.contactPoints(), "--keyspace", cluster.keyspace());
      CompletableFuture<Void> ingested = new CompletableFuture<>();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(pipeline, "pipeline", "[ingest]",
          ingested));
      awaitFirstEvent(cluster, pipeline);
      LocalCluster.killNode(spec, 3);
      // Quorum reads while nodes 1 and 2 still count node 3 as up and send it their share: each timed-out read is
      // sent again (ReplicaDownRetryPolicy) until they know it is down. The default policy failed the first.
      try (CqlSession cql = CqlSessions.open(cluster)) {
        for (int i = 0; i < 10; i++) {
          cql.execute("SELECT identifier FROM suppressed_identifiers");
        }
      }
      // Worker 2 (and its executor) killed as the aggregate starts: Spark runs its tasks on worker 1.
      ingested.get(6, TimeUnit.MINUTES);
      LocalCluster.killWorker(spec, 2);
      assertTrue(pipeline.waitFor(6, TimeUnit.MINUTES));
      String printed = out.get();
      assertEquals(0, pipeline.exitValue(), printed);
      assertTrue(printed.contains(String.format("[stream]    %,d events written", simulated.events())), printed);
      assertTrue(printed.contains(String.format("[ingest] read %,d lines: %,d written", simulated.lines(),
          simulated.events())), printed);
      assertTrue(printed.contains(String.format("[aggregate] %,d sessions (%,d bot)", simulated.sessions(),
          simulated.sessions() - simulated.humanSessions())), printed + " vs " + simulated);

      // Node 3 back: the others hand it what it missed.
      assertTrue(LocalCluster.start(spec).complete());
      awaitHintsDelivered(spec, cluster);

      // A backfill of the day on the cluster: the same rows again (it is idempotent), as on one node.
      Process backfill = sparkSubmit("backfill", spec.masterUrl(), "backfill", "--from", DAY, "--to", DAY,
          "--cassandra", spec.contactPoints(), "--keyspace", cluster.keyspace());
      String backfilled = read(backfill, "backfill", "[aggregate]", new CompletableFuture<>());
      assertTrue(backfill.waitFor(5, TimeUnit.MINUTES));
      assertEquals(0, backfill.exitValue(), backfilled);
      assertTrue(backfilled.contains(String.format("[aggregate] %s..%s: %,d sessions", DAY, DAY,
          simulated.sessions())), backfilled);

      Object[] run = reference.get(6, TimeUnit.MINUTES);
      assertEquals(0, run[0], (String) run[1]);

      // A repair of node 3's ranges, as after any crash: hints carry the writes it missed while down, not
      // what it had acknowledged and lost (measured: the insert-if-absent of the salt's fingerprint,
      // docs/deploy.md); nor the rows written before the replication went from two to three.
      EmbeddedCassandra.nodetool(spec.node(3), java.time.Duration.ofMinutes(5), "repair", "-full", cluster.keyspace());

      // Node 3 alone answers now: what it holds is what it got, at the time, by hints or by the repair.
      // Stopped, not killed: node 3 must know at once that they are gone, or it still sends them reads.
      long[] stoppedPids = {nodePid(spec, 1), nodePid(spec, 2)};
      CompletableFuture.allOf(CompletableFuture.runAsync(() -> LocalCluster.stopNode(spec, 1)),
          CompletableFuture.runAsync(() -> LocalCluster.stopNode(spec, 2))).join();
      // A stopped node leaves no process and no state behind (EmbeddedCassandraIT: a reused node, an orphan).
      for (int i = 1; i <= 2; i++) {
        assertTrue(ProcessHandle.of(stoppedPids[i - 1]).filter(ProcessHandle::isAlive).isEmpty(), "node " + i);
        assertTrue(EmbeddedCassandra.status(spec.node(i).dataDir()).isEmpty(), "node " + i + "'s state");
        assertFalse(EmbeddedCassandra.stop(spec.node(i).dataDir()), "stopping a stopped node says so");
      }
      CassandraTarget node3 = CassandraTarget.parse(spec.host(3) + ":" + spec.nativePort(), cluster.keyspace(),
          CassandraTarget.DEFAULT_DC).withConsistency("ONE");
      TreeMap<String, List<String>> expected = tables(single);
      TreeMap<String, List<String>> actual = tables(node3);
      assertEquals(expected.keySet(), actual.keySet());
      List<String> differ = expected.keySet().stream().filter(t -> !expected.get(t).equals(actual.get(t))).toList();
      assertEquals(List.of(), differ, () -> differ.stream().map(t -> t + ": " + expected.get(t) + " on one node, "
          + actual.get(t) + " on node 3").reduce("", (a, b) -> a + "\n" + b));
      assertEquals(simulated.events(), expected.get("events_by_user").size());
      assertEquals(simulated.corruptLines(), expected.get("quarantine").size());
    } finally {
      submitted.forEach(Process::destroyForcibly);
      LocalCluster.stop(spec);
    }
  }

  private static long nodePid(LocalCluster.Spec spec, int i) {
    return EmbeddedCassandra.status(spec.node(i).dataDir()).orElseThrow().pid();
  }

  /** Until ingest has stored an event (read at ONE, every 100 ms). */
  private static void awaitFirstEvent(CassandraTarget cluster, Process pipeline) throws InterruptedException {
    try (CqlSession cql = CqlSessions.open(cluster.withConsistency("ONE"))) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (cql.execute("SELECT user_id FROM events_by_user LIMIT 1").one() == null) {
        assertTrue(pipeline.isAlive(), "the pipeline ended before ingest wrote an event");
        assertTrue(System.nanoTime() < deadline, "no event stored within 4 minutes");
        Thread.sleep(100);
      }
    }
  }

  /** Until nodes 1 and 2 hold no hint for node 3 (system_views.pending_hints, asked of each). */
  private static void awaitHintsDelivered(LocalCluster.Spec spec, CassandraTarget cluster) throws InterruptedException {
    try (CqlSession cql = CqlSessions.open(cluster)) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (true) {
        long pending = 0;
        for (var node : cql.getMetadata().getNodes().values()) {
          String address = node.getEndPoint().resolve().toString();
          if (address.contains(spec.host(3))) {
            continue;
          }
          for (var row : cql.execute(SimpleStatement.newInstance("SELECT files FROM system_views.pending_hints")
              .setNode(node))) {
            pending += row.getInt(0);
          }
        }
        if (pending == 0) {
          return;
        }
        assertTrue(System.nanoTime() < deadline, pending + " hint files still pending after 3 minutes");
        Thread.sleep(500);
      }
    }
  }

  /**
   * Every table's rows as text, sorted, without what a run stamps with its own clock or id (job_runs;
   * stream_status, with its rates and batch times; columns ending in _at, valid_from, valid_to, run_id; the
   * stream queries' ids in the live tables' batches).
   */
  private static TreeMap<String, List<String>> tables(CassandraTarget target) {
    TreeMap<String, List<String>> tables = new TreeMap<>();
    try (CqlSession cql = CqlSessions.open(target)) {
      for (var t : cql.execute(SimpleStatement.newInstance(
          "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", target.keyspace()))) {
        String table = t.getString(0);
        if (table.equals("job_runs") || table.equals("stream_status")) {
          continue;
        }
        List<String> rows = new ArrayList<>();
        for (var r : cql.execute("SELECT * FROM " + table)) {
          StringBuilder values = new StringBuilder();
          for (int i = 0; i < r.size(); i++) {
            String column = r.getColumnDefinitions().get(i).getName().asInternal();
            if (column.equals("batches")) {
              // The live tables' last micro-batch per stream query: the query's id is its checkpoint's own.
              values.append(column).append('=').append(r.getMap(i, String.class, Long.class).values())
                  .append(' ');
            } else if (!column.endsWith("_at") && !column.equals("valid_from") && !column.equals("valid_to")
                && !column.equals("run_id")) {
              values.append(column).append('=').append(r.getObject(i)).append(' ');
            }
          }
          rows.add(values.toString());
        }
        rows.sort(null);
        tables.put(table, rows);
      }
    }
    return tables;
  }

  /**
   * Starts {@code spark-submit --master MASTER --class io.trailcast.deploy.Main trailcast-jobs.jar ARGS}, its stderr
   * (Spark's log) in {@code target/cluster-it/NAME.log}.
   */
  private Process sparkSubmit(String name, String master, String... args) throws IOException {
    Path jar = Path.of(System.getProperty("trailcast.jobs.jar"));
    String sparkClasspath = Files.readString(Path.of(System.getProperty("trailcast.spark.classpath.file"))).trim();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(System.getProperty("trailcast.jvm.flags").trim().split("\\s+")));
    // Children that live a minute or two on a few thousand rows: the client compiler alone costs them less.
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(List.of("-Xmx1g", "-cp", sparkClasspath, "org.apache.spark.deploy.SparkSubmit",
        "--master", master, "--executor-memory", "768m", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.executor.extraJavaOptions=-XX:TieredStopAtLevel=1",
        "--class", "io.trailcast.deploy.Main", jar.toString()));
    command.addAll(List.of(args));
    Files.createDirectories(LOGS);
    Process process = new ProcessBuilder(command).redirectError(LOGS.resolve(name + ".log").toFile()).start();
    submitted.add(process);
    return process;
  }

  /**
   * What {@code process} prints; {@code seen} completes at the first line starting with {@code prefix}, or fails with
   * the end of the run's log.
   */
  private static String read(Process process, String name, String prefix, CompletableFuture<Void> seen) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      StringBuilder text = new StringBuilder();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        text.append(line).append('\n');
        if (line.startsWith(prefix)) {
          seen.complete(null);
        }
      }
      if (!seen.isDone()) {
        process.waitFor(1, TimeUnit.MINUTES);
        List<String> log = Files.readAllLines(LOGS.resolve(name + ".log"), StandardCharsets.UTF_8);
        seen.completeExceptionally(new AssertionError("no line " + prefix + " in: " + text + "\nthe end of "
            + LOGS.resolve(name + ".log") + ":\n" + String.join("\n", log.subList(Math.max(0, log.size() - 40),
            log.size()))));
      }
      return text.toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
