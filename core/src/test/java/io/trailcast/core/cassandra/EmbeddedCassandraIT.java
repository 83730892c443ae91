package io.trailcast.core.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.core.ChildJvms;
import io.trailcast.core.testing.TestCassandra;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedCassandraIT {
  @TempDir
  Path tmp;

  @Test
  void sharedNodeIsARealCassandra509WithTheSchemaApplied() {
    CassandraTarget target = TestCassandra.keyspaceFor(EmbeddedCassandraIT.class);
    try (CqlSession session = CqlSessions.open(target)) {
      assertEquals("5.0.9", session.execute("SELECT release_version FROM system.local").one().getString(0));
      SchemaMigrator.requireCurrent(session, target.keyspace());
      List<String> tables = session.getMetadata().getKeyspace(target.keyspace()).orElseThrow().getTables().keySet()
          .stream().map(id -> id.asInternal()).sorted().toList();
      assertEquals(List.of("aggregated_days", "conversion_scores", "crm_accounts", "event_days", "events_by_user",
          "experiment_arms", "experiment_assigned", "experiment_assignments", "forget_audit", "identity_edges",
          "ingest_days", "job_runs", "keyspace_settings", "landing_recency",
          "live_page_metrics", "live_search_metrics", "models", "page_metrics_by_day", "person_by_identifier",
          "person_history", "person_profile", "quarantine", "schema_migrations", "search_metrics_by_day",
          "segment_history", "segment_members", "segment_sizes", "segments_by_person", "session_metrics_by_day",
          "sessions_by_user", "stream_status", "suppressed_identifiers", "url_themes", "user_daily",
          "user_lifetime"), tables);
    }
    SchemaMigrator.Result again = SchemaMigrator.apply(target, Replication.EMBEDDED);
    assertEquals(List.of(), again.applied());
    assertEquals(SchemaMigrator.migrations().size(), again.alreadyApplied().size());
  }

  /**
   * One node's life (a start costs some 20 s, so one node serves every check): a second start reuses it, and it
   * exits once its owner is killed, leaving no process, port or pid file. Stopping a live node ({@code stop}):
   * ClusterIT, whose nodes 1 and 2 are stopped that way.
   */
  @Test
  void nodeIsReusedThenExitsWhenItsOwnerIsKilled() throws Exception {
    Process owner = new ProcessBuilder("sleep", "600").start();
    try {
      NodeSpec spec = new NodeSpec(tmp.resolve("node"), freePort(), freePort(), 512, owner.pid());
      EmbeddedCassandra.Status started = EmbeddedCassandra.start(spec);
      assertTrue(started.ready());
      EmbeddedCassandra.Status reused = EmbeddedCassandra.start(spec);
      assertEquals(started.pid(), reused.pid(), "a second start reuses the running node");
      assertEquals(Long.toString(started.pid()), Files.readString(spec.pidFile()).trim());
      ProcessHandle node = ProcessHandle.of(started.pid()).orElseThrow();

      owner.destroyForcibly().waitFor();
      node.onExit().get(90, TimeUnit.SECONDS);
      assertFalse(node.isAlive(), "no orphan node once its owner is gone");
      assertFalse(ChildJvms.portAccepts(NodeSpec.HOST, spec.nativePort()));
      assertTrue(EmbeddedCassandra.status(spec.dataDir()).isEmpty());
      assertFalse(EmbeddedCassandra.stop(spec.dataDir()), "stopping a stopped node says so");
    } finally {
      owner.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
