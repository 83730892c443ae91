package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Many single-row reads at once, with a bound on how many are in flight: a micro-batch may look
 * up tens of thousands of keys, and one connection takes only so many requests at a time (beyond
 * them the driver reports the node unavailable).
 */
final class AsyncQueries {
  /** Requests in flight per call: enough to keep the node busy, far under a connection's limit. */
  static final int IN_FLIGHT = 128;

  private AsyncQueries() {
  }

  /** The first row of each statement's result (null when none), in the statements' order. */
  static List<Row> firstRows(CqlSession session, List<? extends Statement<?>> statements) {
    Semaphore permits = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<AsyncResultSet>> results = new ArrayList<>(statements.size());
    for (Statement<?> statement : statements) {
      permits.acquireUninterruptibly();
      CompletableFuture<AsyncResultSet> result = session.executeAsync(statement).toCompletableFuture();
      result.whenComplete((rs, error) -> permits.release());
      results.add(result);
    }
    List<Row> rows = new ArrayList<>(results.size());
    for (CompletableFuture<AsyncResultSet> result : results) {
      rows.add(result.join().one());
    }
    return rows;
  }
}
