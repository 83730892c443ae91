package io.trailcast.core.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;

/**
 * A command's one connection to its keyspace, opened once and passed down to every job the
 * command runs: the target (which Spark's connector is configured from) and the driver session
 * (job_runs, registries, lookups). Opening it checks the schema, so no job checks it again.
 */
public final class Store implements AutoCloseable {
  private final CassandraTarget target;
  private final CqlSession cql;

  private Store(CassandraTarget target, CqlSession cql) {
    this.target = target;
    this.cql = cql;
  }

  /** A session to the target's keyspace, whose schema must be current ({@code schema apply}). */
  public static Store open(CassandraTarget target) {
    CqlSession cql = CqlSessions.open(target);
    try {
      SchemaMigrator.requireCurrent(cql, target.keyspace());
    } catch (RuntimeException e) {
      cql.close();
      throw e;
    }
    return new Store(target, cql);
  }

  public CassandraTarget target() {
    return target;
  }

  public String keyspace() {
    return target.keyspace();
  }

  public CqlSession cql() {
    return cql;
  }

  @Override
  public void close() {
    cql.close();
  }
}
