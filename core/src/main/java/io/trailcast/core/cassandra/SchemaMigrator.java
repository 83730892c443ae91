package io.trailcast.core.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned CQL files of {@code deploy/cql} (listed in its INDEX) to a keyspace,
 * recording each in {@code schema_migrations}; a second run applies nothing.
 */
public final class SchemaMigrator {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
  private static final String RESOURCE_DIR = "cql/";

  private SchemaMigrator() {
  }

  /** One migration file. */
  public record Migration(String version, String file, String text) {
    public String checksum() {
      try {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 8);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    public List<String> statements() {
      return splitStatements(text);
    }
  }

  /**
   * What one run did.
   *
   * @param replicationChange what changed of the keyspace's replication ({@code "simple:1 -> simple:3"}), or
   *     null when it was created or left as it was
   */
  public record Result(String keyspace, List<String> applied, List<String> alreadyApplied, String replicationChange) {
    public Result(String keyspace, List<String> applied, List<String> alreadyApplied) {
      this(keyspace, applied, alreadyApplied, null);
    }
  }

  /**
   * Creates the keyspace if needed (at {@code replication}; null means one copy, allowed on a single node
   * only), changes its replication when {@code replication} differs from the stored one (ALTER KEYSPACE),
   * and applies every migration not yet recorded. Refuses a replication factor above the nodes of its
   * data centre: writes at LOCAL_QUORUM could never succeed.
   */
  public static Result apply(CassandraTarget target, Replication replication) {
    String change = null;
    try (CqlSession admin = CqlSessions.openForSchemaChanges(target, false)) {
      Map<String, Integer> nodesPerDc = nodesPerDc(admin);
      int nodes = nodesPerDc.values().stream().mapToInt(Integer::intValue).sum();
      Replication stored = storedReplication(admin, target.keyspace());
      if (replication == null && stored == null && nodes > 1) {
        throw new UserException("a cluster of " + nodes + " nodes: give --replication (simple:3, or DC:3 for each data "
            + "centre); without it the keyspace would keep one copy of every row");
      }
      Replication wanted = replication != null ? replication : stored != null ? stored : Replication.EMBEDDED;
      String tooHigh = wanted.exceeds(nodesPerDc);
      if (tooHigh != null) {
        throw new UserException("replication " + wanted.describe() + " for keyspace " + target.keyspace() + ": "
            + tooHigh);
      }
      if (stored == null) {
        schemaChange(admin, "CREATE KEYSPACE IF NOT EXISTS " + target.keyspace() + " WITH replication = "
            + wanted.cql());
      } else if (!stored.equals(wanted)) {
        schemaChange(admin, "ALTER KEYSPACE " + target.keyspace() + " WITH replication = " + wanted.cql());
        change = stored.describe() + " -> " + wanted.describe();
        LOG.warn("keyspace {} replication changed {}: rows written before are on their old replicas only until a "
            + "full repair of every node (nodetool repair -full {})", target.keyspace(), change, target.keyspace());
      }
    }
    try (CqlSession session = CqlSessions.openForSchemaChanges(target, true)) {
      Result result = apply(session, target.keyspace(), migrations());
      return new Result(result.keyspace(), result.applied(), result.alreadyApplied(), change);
    }
  }

  /** Runs a schema statement on the coordinator of schema changes, then waits for every node to know it. */
  private static void schemaChange(CqlSession session, String statement) {
    ddl(session, statement);
    awaitSchemaAgreement(session, statement);
  }

  /**
   * Runs a schema statement on one node, the same for every statement of a run: the next statement (an
   * index on a table just created) then finds what the previous one made even before the other nodes do.
   */
  private static void ddl(CqlSession session, String statement) {
    com.datastax.oss.driver.api.core.metadata.Node coordinator = session.getMetadata().getNodes().values().stream()
        .filter(n -> n.getState() == com.datastax.oss.driver.api.core.metadata.NodeState.UP)
        .min(java.util.Comparator.comparing(n -> n.getHostId() == null ? "" : n.getHostId().toString()))
        .orElse(null);
    session.execute(SimpleStatement.newInstance(statement).setTimeout(java.time.Duration.ofSeconds(60))
        .setNode(coordinator));
  }

  /**
   * Waits until every node that is up has the same schema version. Sessions for schema changes keep no
   * schema metadata, so the driver does not wait itself; and its own check reads the versions as one node
   * sees them, which a change made on another node may not have reached yet: here each node is asked for
   * its own.
   */
  private static void awaitSchemaAgreement(CqlSession session, String statement) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    java.util.Set<Object> versions = new java.util.HashSet<>();
    do {
      versions.clear();
      for (com.datastax.oss.driver.api.core.metadata.Node node : session.getMetadata().getNodes().values()) {
        if (node.getState() == com.datastax.oss.driver.api.core.metadata.NodeState.UP) {
          versions.add(session.execute(SimpleStatement.newInstance("SELECT schema_version FROM system.local")
              .setNode(node)).one().getUuid(0));
        }
      }
      if (versions.size() <= 1) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserException("interrupted while waiting for the nodes to agree on the schema", e);
      }
    } while (System.nanoTime() < deadline);
    LOG.warn("the nodes did not agree on the schema within 60 s after: {} (versions {})", statement, versions);
  }

  /** Live and known nodes per data centre: this one and its peers. */
  static Map<String, Integer> nodesPerDc(CqlSession session) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    counts.merge(session.execute("SELECT data_center FROM system.local").one().getString(0), 1, Integer::sum);
    for (Row peer : session.execute("SELECT data_center FROM system.peers_v2")) {
      counts.merge(peer.getString(0), 1, Integer::sum);
    }
    return counts;
  }

  /** The keyspace's replication as stored, or null when it does not exist. */
  static Replication storedReplication(CqlSession session, String keyspace) {
    Row row = session.execute(SimpleStatement.newInstance(
        "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace)).one();
    return row == null ? null : Replication.of(row.getMap(0, String.class, String.class));
  }

  /** Fails with one clear line when the keyspace lacks a migration: jobs never create tables. */
  public static void requireCurrent(CqlSession session, String keyspace) {
    List<String> recorded = new ArrayList<>();
    try {
      for (Row row : session.execute("SELECT version FROM schema_migrations")) {
        recorded.add(row.getString("version"));
      }
    } catch (com.datastax.oss.driver.api.core.servererrors.InvalidQueryException e) {
      throw new UserException("keyspace " + keyspace + " has no trailcast schema; run: bin/trailcast schema apply", e);
    }
    List<String> missing = migrations().stream().filter(m -> !recorded.contains(m.version()))
        .map(Migration::file).toList();
    if (!missing.isEmpty()) {
      throw new UserException("keyspace " + keyspace + " lacks migrations " + missing
          + "; run: bin/trailcast schema apply");
    }
  }

  static Result apply(CqlSession session, String keyspace, List<Migration> migrations) {
    schemaChange(session, "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, file text, "
        + "checksum text, applied_at timestamp) WITH comment = 'Which deploy/cql migrations this keyspace holds.'");
    Map<String, String> recorded = new HashMap<>();
    for (Row row : session.execute("SELECT version, checksum FROM schema_migrations")) {
      recorded.put(row.getString("version"), row.getString("checksum"));
    }
    List<String> applied = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Migration migration : migrations) {
      String known = recorded.get(migration.version());
      if (known != null) {
        if (!known.equals(migration.checksum())) {
          LOG.warn("migration {} changed since it was applied to {}; add a new migration instead of editing it",
              migration.file(), keyspace);
        }
        skipped.add(migration.file());
        continue;
      }
      // One wait per migration, not per statement: on three nodes each wait cost about half a second.
      for (String statement : migration.statements()) {
        ddl(session, statement);
      }
      awaitSchemaAgreement(session, migration.file());
      session.execute(SimpleStatement.newInstance(
          "INSERT INTO schema_migrations (version, file, checksum, applied_at) VALUES (?, ?, ?, ?)",
          migration.version(), migration.file(), migration.checksum(), Instant.now()));
      LOG.info("applied {} to keyspace {}", migration.file(), keyspace);
      applied.add(migration.file());
    }
    return new Result(keyspace, applied, skipped);
  }

  /** The migrations packaged from deploy/cql, in INDEX order. */
  public static List<Migration> migrations() {
    List<Migration> migrations = new ArrayList<>();
    for (String line : resource("INDEX").split("\n")) {
      String file = line.trim();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      int underscore = file.indexOf('_');
      if (underscore <= 0 || !file.endsWith(".cql")) {
        throw new IllegalStateException("bad migration name " + file + " in deploy/cql/INDEX");
      }
      migrations.add(new Migration(file.substring(0, underscore), file, resource(file)));
    }
    return migrations;
  }

  /** Statements of a CQL file: {@code --} comments dropped, split at a {@code ;} ending a line. */
  static List<String> splitStatements(String text) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("CQL text ends without ';': " + current.toString().strip());
    }
    return statements;
  }

  private static String resource(String name) {
    try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new UserException("schema file " + RESOURCE_DIR + name + " is not in the build; rebuild trailcast");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
