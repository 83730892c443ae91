package io.trailcast.core.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.trailcast.core.UserException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Opens driver sessions to a {@link CassandraTarget}, turning "cannot connect" into one clear line. */
public final class CqlSessions {
  private CqlSessions() {
  }

  /** A session bound to the target's keyspace, which must exist ({@code schema apply}). */
  public static CqlSession open(CassandraTarget target) {
    return open(target, true, true);
  }

  /**
   * A session for schema statements ({@code useKeyspace}: bound to the target's keyspace): it keeps
   * no schema metadata, so each statement waits for schema agreement only, not for a metadata
   * refresh too (a keyspace's 44 statements: 8 s with the refreshes, 4 s without).
   */
  public static CqlSession openForSchemaChanges(CassandraTarget target, boolean useKeyspace) {
    return open(target, useKeyspace, false);
  }

  private static CqlSession open(CassandraTarget target, boolean useKeyspace, boolean schemaMetadata) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, schemaMetadata)
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, target.consistency())
        // Every statement trailcast sends is an upsert, a delete, a read or an insert-if-absent whose
        // outcome it checks: safe to send again to another node when a coordinator dies mid-request.
        .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
        .withClass(DefaultDriverOption.RETRY_POLICY_CLASS, ReplicaDownRetryPolicy.class)
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
        // The default 1 s debounce of schema refreshes made every CREATE TABLE of a migration take 1 s.
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(20))
        // Only the target's keyspace: a session opened beside many others (a test run's, a shared
        // cluster's) would otherwise read and keep every keyspace's tables at every open.
        .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, java.util.List.of(target.keyspace()))
        .build();
    CqlSessionBuilder builder = CqlSession.builder()
        .withConfigLoader(config)
        .withLocalDatacenter(target.localDc());
    for (InetSocketAddress point : target.contactPoints()) {
      builder.addContactPoint(new InetSocketAddress(point.getHostString(), point.getPort()));
    }
    if (useKeyspace) {
      builder.withKeyspace(target.keyspace());
    }
    try {
      return builder.build();
    } catch (AllNodesFailedException e) {
      throw new UserException("cannot reach Cassandra at " + target.describe() + ": " + firstCause(e), e);
    } catch (com.datastax.oss.driver.api.core.InvalidKeyspaceException e) {
      throw new UserException("keyspace '" + target.keyspace() + "' does not exist at " + target.describe()
          + "; run: bin/trailcast schema apply", e);
    }
  }

  private static String firstCause(AllNodesFailedException e) {
    return e.getAllErrors().values().stream()
        .flatMap(java.util.List::stream)
        .map(Throwable::getMessage)
        .findFirst()
        .orElse(e.getMessage());
  }
}
