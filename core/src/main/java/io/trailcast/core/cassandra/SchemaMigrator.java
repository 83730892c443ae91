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

  /** What one run did. */
  public record Result(String keyspace, List<String> applied, List<String> alreadyApplied) {
  }

  /** Creates the keyspace if needed and applies every migration not yet recorded. */
  public static Result apply(CassandraTarget target, Replication replication) {
    try (CqlSession admin = CqlSessions.openForSchemaChanges(target, false)) {
      admin.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS " + target.keyspace()
          + " WITH replication = " + replication.cql()));
    }
    try (CqlSession session = CqlSessions.openForSchemaChanges(target, true)) {
      return apply(session, target.keyspace(), migrations());
    }
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
    session.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, file text, "
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
      for (String statement : migration.statements()) {
        session.execute(SimpleStatement.newInstance(statement).setTimeout(java.time.Duration.ofSeconds(60)));
      }
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
