package io.trailcast.stream;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds the final sessions of a micro-batch, per landing page in start order, into the page's
 * {@link RecencyReservoir} kept in {@code landing_recency}: on the driver, from the entries the
 * micro-batch's one write pass gathered (a few per landing page), with one round of asynchronous
 * reads and one of writes. A row records, per streaming query, the micro-batch that last changed
 * it, so a micro-batch replayed after a crash is not applied twice.
 */
final class LandingRecency {
  private final String keyspace;
  private final int capacity;

  /**
   * A final human session with a pageview: what its landing page's reservoir takes, and what it earned the
   * experiment variant it landed on ({@link io.trailcast.aggregate.experiments.ExperimentRewards}).
   */
  record Entry(String site, String landingPage, String sessionId, Instant start, boolean bounced, boolean engaged,
      boolean converted, java.time.LocalDate day) implements Serializable {
  }

  LandingRecency(String keyspace, int capacity) {
    this.keyspace = keyspace;
    this.capacity = capacity;
  }

  /**
   * Applies {@code entries} (any order) of micro-batch {@code batchId} of the streaming query
   * {@code queryId}; returns the pages updated.
   */
  int update(CqlSession session, List<Entry> entries, String queryId, long batchId) {
    if (entries.isEmpty()) {
      return 0;
    }
    Map<List<String>, List<Entry>> byPage = new LinkedHashMap<>();
    for (Entry e : entries) {
      byPage.computeIfAbsent(List.of(e.site(), e.landingPage()), k -> new ArrayList<>()).add(e);
    }
    PreparedStatement read = session.prepare("SELECT sample, sessions_seen, batches FROM " + keyspace
        + ".landing_recency WHERE site = ? AND landing_page = ?");
    PreparedStatement write = session.prepare("UPDATE " + keyspace + ".landing_recency SET sample = ?, "
        + "sessions_seen = ?, recency_bounce_rate = ?, last_session_start = ?, batches[?] = ? "
        + "WHERE site = ? AND landing_page = ?");
    List<List<String>> pages = new ArrayList<>(byPage.keySet());
    List<BoundStatement> reads = new ArrayList<>();
    for (List<String> page : pages) {
      reads.add(read.bind(page.get(0), page.get(1)).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
    }
    List<com.datastax.oss.driver.api.core.cql.Row> stored = AsyncQueries.firstRows(session, reads);
    List<BoundStatement> writes = new ArrayList<>();
    for (int i = 0; i < pages.size(); i++) {
      com.datastax.oss.driver.api.core.cql.Row row = stored.get(i);
      Long applied = row == null ? null : row.getMap(2, String.class, Long.class).get(queryId);
      if (applied != null && applied >= batchId) {
        continue;
      }
      RecencyReservoir reservoir = row == null ? new RecencyReservoir(capacity, List.of(), 0)
          : new RecencyReservoir(capacity, row.getList(0, Boolean.class), row.getLong(1));
      List<Entry> sessions = byPage.get(pages.get(i));
      sessions.sort(Comparator.comparing(Entry::start).thenComparing(Entry::sessionId));
      for (Entry e : sessions) {
        double[] draws = RecencyReservoir.draws(e.sessionId());
        reservoir.add(e.bounced(), draws[0], draws[1]);
      }
      writes.add(write.bind(reservoir.sample(), reservoir.seen(), reservoir.bounceRate(),
          sessions.get(sessions.size() - 1).start(), queryId, batchId, pages.get(i).get(0), pages.get(i).get(1))
          .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
    }
    AsyncQueries.firstRows(session, writes);
    return writes.size();
  }
}
