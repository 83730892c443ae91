package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live bounce and search metrics, per hour and day of the site time zone
 * ({@code live_page_metrics}, {@code live_search_metrics}): each micro-batch's {@link LiveCounts}
 * changes, added on the driver to the counts of the rows they touch (one round of asynchronous
 * reads, one of writes), the rates derived as the batch {@link io.trailcast.aggregate.Metrics}
 * derives them. A row records, per streaming query, the micro-batch that last changed it
 * ({@code batches}), so a micro-batch replayed after a crash is not applied twice; a row whose
 * sessions are all retracted is deleted (a replay then finds it gone and its counts below zero,
 * and leaves it so). One query at a time updates a site's rows: two at once could lose an update.
 */
public final class LiveMetrics {
  private final String keyspace;

  LiveMetrics(String keyspace) {
    this.keyspace = keyspace;
  }

  /** Sums the changes of a micro-batch by key; a key whose changes cancel out is left out. */
  static Map<LiveCounts.Key, long[]> merge(List<LiveCounts.Delta> deltas) {
    Map<LiveCounts.Key, long[]> merged = new LinkedHashMap<>();
    for (LiveCounts.Delta d : deltas) {
      LiveCounts.merge(merged, d.key(), d.counts(), 1);
    }
    return merged;
  }

  /**
   * Applies the changes of micro-batch {@code batchId} of the streaming query {@code queryId} (its
   * id survives restarts from its checkpoint); returns the rows written or deleted.
   */
  int apply(CqlSession session, Map<LiveCounts.Key, long[]> changes, String queryId, long batchId) {
    if (changes.isEmpty()) {
      return 0;
    }
    String where = " WHERE site = ? AND grain = ? AND window_start = ? AND ";
    PreparedStatement readPage = session.prepare("SELECT sessions, bounces, engaged_sessions, depth_sum, "
        + "bot_sessions, depth_counts, batches FROM " + keyspace + ".live_page_metrics" + where + "landing_page = ?");
    PreparedStatement readSearch = session.prepare("SELECT sessions, searches, searches_with_click, clicks, "
        + "search_exits, batches FROM " + keyspace + ".live_search_metrics" + where + "query = ?");
    // An update sets this query's entry of batches and leaves other queries' entries as they are.
    PreparedStatement writePage = session.prepare("UPDATE " + keyspace + ".live_page_metrics SET sessions = ?, "
        + "bounces = ?, bounce_rate = ?, engaged_sessions = ?, engaged_bounce_rate = ?, avg_depth = ?, depth_sum = ?, "
        + "depth_counts = ?, bot_sessions = ?, updated_at = ?, batches[?] = ?" + where + "landing_page = ?");
    PreparedStatement writeSearch = session.prepare("UPDATE " + keyspace + ".live_search_metrics SET sessions = ?, "
        + "searches = ?, searches_with_click = ?, search_ctr = ?, clicks = ?, clicks_per_search = ?, "
        + "zero_click_searches = ?, search_exits = ?, updated_at = ?, batches[?] = ?" + where + "query = ?");
    PreparedStatement deletePage = session.prepare("DELETE FROM " + keyspace + ".live_page_metrics" + where
        + "landing_page = ?");
    PreparedStatement deleteSearch = session.prepare("DELETE FROM " + keyspace + ".live_search_metrics" + where
        + "query = ?");

    List<LiveCounts.Key> keys = new ArrayList<>(changes.keySet());
    List<BoundStatement> reads = new ArrayList<>(keys.size());
    for (LiveCounts.Key k : keys) {
      reads.add(quorum((k.table() == LiveCounts.Table.PAGES ? readPage : readSearch).bind(k.site(), k.grain(),
          Instant.ofEpochMilli(k.windowStart()), k.dimension())));
    }
    List<Row> stored = AsyncQueries.firstRows(session, reads);
    Instant now = Instant.now();
    List<BoundStatement> writes = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      LiveCounts.Key k = keys.get(i);
      boolean pages = k.table() == LiveCounts.Table.PAGES;
      Row row = stored.get(i);
      Long applied = row == null ? null : row.getMap(pages ? 6 : 5, String.class, Long.class).get(queryId);
      if (applied != null && applied >= batchId) {
        continue;
      }
      long[] counts = pages ? pageCounts(row) : searchCounts(k, row);
      long[] change = changes.get(k);
      for (int j = 0; j < counts.length; j++) {
        counts[j] += change[j];
      }
      Object[] key = {k.site(), k.grain(), Instant.ofEpochMilli(k.windowStart()), k.dimension()};
      Object[] guard = {now, queryId, batchId};
      if (counts[0] <= 0) {
        if (row != null) {
          writes.add(quorum((pages ? deletePage : deleteSearch).bind(key)));
        }
        continue;
      }
      if (pages) {
        writes.add(quorum(writePage.bind(concat(pageValues(counts), guard, key))));
      } else {
        BoundStatement write = writeSearch.bind(concat(searchValues(k, counts), guard, key));
        // sessions is the total's alone: left unset on a query's row, not a null cell each time.
        writes.add(quorum(k.dimension().equals("*") ? write : write.unset(0)));
      }
    }
    AsyncQueries.firstRows(session, writes);
    return writes.size();
  }

  /**
   * Deletes the live metrics of {@code site} on {@code day} (the day's window and its hours): for a
   * run that streams a day's events again from a new checkpoint, which would count them again.
   */
  public static void clearDay(CqlSession session, String keyspace, String site, java.time.LocalDate day,
      java.time.ZoneId zone) {
    List<BoundStatement> deletes = new ArrayList<>();
    for (String table : List.of("live_page_metrics", "live_search_metrics")) {
      PreparedStatement delete = session.prepare("DELETE FROM " + keyspace + "." + table
          + " WHERE site = ? AND grain = ? AND window_start = ?");
      Instant start = day.atStartOfDay(zone).toInstant();
      Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
      deletes.add(quorum(delete.bind(site, "day", start)));
      for (Instant hour = start; hour.isBefore(end); hour = hour.plusSeconds(3600)) {
        deletes.add(quorum(delete.bind(site, "hour", LiveCounts.hourStart(hour.toEpochMilli(), zone))));
      }
    }
    AsyncQueries.firstRows(session, deletes);
  }

  /** Reads and writes at LOCAL_QUORUM: a read-modify-write must see the last write on any replica set. */
  private static BoundStatement quorum(BoundStatement statement) {
    return statement.setConsistencyLevel(com.datastax.oss.driver.api.core.ConsistencyLevel.LOCAL_QUORUM);
  }

  private static Object[] concat(Object[]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray();
  }

  /** A live_page_metrics row as {@link LiveCounts#PAGE_FIELDS} and depth counts; zeros when none. */
  private static long[] pageCounts(Row row) {
    long[] counts = new long[LiveCounts.PAGE_WIDTH];
    if (row == null) {
      return counts;
    }
    long sessions = row.isNull(0) ? 0 : row.getLong(0);
    long bots = row.isNull(4) ? 0 : row.getLong(4);
    counts[0] = sessions + bots;
    counts[1] = sessions;
    counts[2] = row.isNull(1) ? 0 : row.getLong(1);
    counts[3] = row.isNull(2) ? 0 : row.getLong(2);
    counts[4] = row.isNull(3) ? 0 : row.getLong(3);
    counts[5] = bots;
    List<Long> depths = row.getList(5, Long.class);
    for (int d = 0; d < Math.min(depths.size(), LiveCounts.DEPTH_BUCKETS); d++) {
      counts[LiveCounts.PAGE_FIELDS.length + d] = depths.get(d);
    }
    return counts;
  }

  /** A live_search_metrics row as {@link LiveCounts#SEARCH_FIELDS}; zeros when none. */
  private static long[] searchCounts(LiveCounts.Key k, Row row) {
    long[] counts = new long[LiveCounts.SEARCH_FIELDS.length];
    if (row == null) {
      return counts;
    }
    for (int j = 1; j < counts.length; j++) {
      counts[j] = row.isNull(j) ? 0 : row.getLong(j);
    }
    counts[0] = k.dimension().equals("*") ? (row.isNull(0) ? 0 : row.getLong(0)) : counts[1];
    return counts;
  }

  /** The counted columns of a live_page_metrics update, in its order. */
  private static Object[] pageValues(long[] c) {
    long sessions = c[1];
    List<Long> depths = new ArrayList<>(LiveCounts.DEPTH_BUCKETS);
    for (int d = 0; d < LiveCounts.DEPTH_BUCKETS; d++) {
      depths.add(c[LiveCounts.PAGE_FIELDS.length + d]);
    }
    return new Object[] {sessions, c[2], ratio(c[2], sessions), c[3],
        sessions > 0 ? 1 - (double) c[3] / sessions : null, ratio(c[4], sessions), c[4], depths, c[5]};
  }

  /** The counted columns of a live_search_metrics update, in its order. */
  private static Object[] searchValues(LiveCounts.Key k, long[] c) {
    return new Object[] {k.dimension().equals("*") ? c[0] : null, c[1], c[2], ratio(c[2], c[1]), c[3],
        ratio(c[3], c[1]), c[1] - c[2], c[4]};
  }

  /** {@code part / whole}, null when there is nothing to divide by (as the batch metrics). */
  private static Double ratio(long part, long whole) {
    return whole > 0 ? (double) part / whole : null;
  }
}
