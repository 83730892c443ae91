package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Reads on the request path: prepared statements bound with a timeout, run asynchronously, awaited. */
final class Cql {
  private final CqlSession session;
  private final Duration timeout;

  Cql(CqlSession session, Duration timeout) {
    this.session = session;
    this.timeout = timeout;
  }

  PreparedStatement prepare(String query) {
    return session.prepare(query);
  }

  /**
   * Starts a read: many can run at once, each awaited with {@link #await}. At LOCAL_ONE, the one read
   * path that does not take the jobs' LOCAL_QUORUM: a replica one write behind answers with the score of
   * one event earlier, which the visitor's next request corrects, while a quorum would wait for a second
   * replica on every request and fail requests whenever one of them is slow.
   */
  CompletableFuture<AsyncResultSet> start(PreparedStatement statement, Object... values) {
    return session.executeAsync(statement.bind(values).setTimeout(timeout)
        .setConsistencyLevel(com.datastax.oss.driver.api.core.ConsistencyLevel.LOCAL_ONE)).toCompletableFuture();
  }

  /** The first row of a read, or null. */
  Row one(PreparedStatement statement, Object... values) {
    return await(start(statement, values)).one();
  }

  /** The result of a read, with the driver's own exception when it failed. */
  static <T> T await(CompletionStage<T> read) {
    try {
      return read.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Every row of a started read, page after page; stops after {@code max + 1} rows. */
  static List<Row> rows(CompletionStage<AsyncResultSet> read, int max) {
    List<Row> out = new ArrayList<>();
    AsyncResultSet page = await(read);
    while (true) {
      for (Row row : page.currentPage()) {
        out.add(row);
        if (out.size() > max) {
          return out;
        }
      }
      if (!page.hasMorePages()) {
        return out;
      }
      page = await(page.fetchNextPage());
    }
  }
}
