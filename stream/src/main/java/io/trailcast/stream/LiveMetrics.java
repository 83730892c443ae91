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
 * derives them. A row records the micro-batch that last changed it, so a micro-batch replayed
 * after a crash is not applied twice; a row whose sessions are all retracted is deleted (a replay
 * then finds it gone and its counts below zero, and leaves it so).
 */
final class LiveMetrics {
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

  /** Applies the changes of micro-batch {@code batchId}; returns the rows written or deleted. */
  int apply(CqlSession session, Map<LiveCounts.Key, long[]> changes, long batchId) {
    if (changes.isEmpty()) {
      return 0;
    }
    String where = " WHERE site = ? AND grain = ? AND window_start = ? AND ";
    PreparedStatement readPage = session.prepare("SELECT sessions, bounces, engaged_sessions, depth_sum, "
        + "bot_sessions, depth_counts, batch_id, avg_depth FROM " + keyspace + ".live_page_metrics" + where
        + "landing_page = ?");
    PreparedStatement readSearch = session.prepare("SELECT sessions, searches, searches_with_click, clicks, "
        + "search_exits, batch_id FROM " + keyspace + ".live_search_metrics" + where + "query = ?");
    PreparedStatement writePage = session.prepare("INSERT INTO " + keyspace + ".live_page_metrics (site, grain, "
        + "window_start, landing_page, sessions, bounces, bounce_rate, engaged_sessions, engaged_bounce_rate, "
        + "avg_depth, depth_sum, depth_counts, bot_sessions, batch_id, updated_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    PreparedStatement writeSearch = session.prepare("INSERT INTO " + keyspace + ".live_search_metrics (site, "
        + "grain, window_start, query, sessions, searches, searches_with_click, search_ctr, clicks, "
        + "clicks_per_search, zero_click_searches, search_exits, batch_id, updated_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    PreparedStatement deletePage = session.prepare("DELETE FROM " + keyspace + ".live_page_metrics" + where
        + "landing_page = ?");
    PreparedStatement deleteSearch = session.prepare("DELETE FROM " + keyspace + ".live_search_metrics" + where
        + "query = ?");

    List<LiveCounts.Key> keys = new ArrayList<>(changes.keySet());
    List<BoundStatement> reads = new ArrayList<>(keys.size());
    for (LiveCounts.Key k : keys) {
      reads.add((k.table() == LiveCounts.Table.PAGES ? readPage : readSearch).bind(k.site(), k.grain(),
          Instant.ofEpochMilli(k.windowStart()), k.dimension()));
    }
    List<Row> stored = AsyncQueries.firstRows(session, reads);
    Instant now = Instant.now();
    List<BoundStatement> writes = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      LiveCounts.Key k = keys.get(i);
      boolean pages = k.table() == LiveCounts.Table.PAGES;
      Row row = stored.get(i);
      if (row != null && !row.isNull(pages ? 6 : 5) && row.getLong(pages ? 6 : 5) >= batchId) {
        continue;
      }
      long[] counts = pages ? pageCounts(row) : searchCounts(k, row);
      long[] change = changes.get(k);
      for (int j = 0; j < counts.length; j++) {
        counts[j] += change[j];
      }
      Object[] key = {k.site(), k.grain(), Instant.ofEpochMilli(k.windowStart()), k.dimension()};
      if (counts[0] <= 0) {
        if (row != null) {
          writes.add((pages ? deletePage : deleteSearch).bind(key));
        }
        continue;
      }
      if (pages) {
        writes.add(writePage.bind(pageValues(key, counts, batchId, now)));
      } else {
        BoundStatement write = writeSearch.bind(searchValues(key, k, counts, batchId, now));
        // sessions is the total's alone: left unset on a query's row, not a null cell each time.
        writes.add(k.dimension().equals("*") ? write : write.unset(4));
      }
    }
    AsyncQueries.firstRows(session, writes);
    return writes.size();
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
    // A row from before depth_sum was kept: its average times its sessions.
    counts[4] = !row.isNull(3) ? row.getLong(3) : row.isNull(7) ? 0 : Math.round(row.getDouble(7) * sessions);
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

  private static Object[] pageValues(Object[] key, long[] c, long batchId, Instant now) {
    long sessions = c[1];
    List<Long> depths = new ArrayList<>(LiveCounts.DEPTH_BUCKETS);
    for (int d = 0; d < LiveCounts.DEPTH_BUCKETS; d++) {
      depths.add(c[LiveCounts.PAGE_FIELDS.length + d]);
    }
    Object[] values = Arrays.copyOf(key, 15);
    values[4] = sessions;
    values[5] = c[2];
    values[6] = ratio(c[2], sessions);
    values[7] = c[3];
    values[8] = sessions > 0 ? 1 - (double) c[3] / sessions : null;
    values[9] = ratio(c[4], sessions);
    values[10] = c[4];
    values[11] = depths;
    values[12] = c[5];
    values[13] = batchId;
    values[14] = now;
    return values;
  }

  private static Object[] searchValues(Object[] key, LiveCounts.Key k, long[] c, long batchId, Instant now) {
    Object[] values = Arrays.copyOf(key, 14);
    values[4] = k.dimension().equals("*") ? c[0] : null;
    values[5] = c[1];
    values[6] = c[2];
    values[7] = ratio(c[2], c[1]);
    values[8] = c[3];
    values[9] = ratio(c[3], c[1]);
    values[10] = c[1] - c[2];
    values[11] = c[4];
    values[12] = batchId;
    values[13] = now;
    return values;
  }

  /** {@code part / whole}, null when there is nothing to divide by (as the batch metrics). */
  private static Double ratio(long part, long whole) {
    return whole > 0 ? (double) part / whole : null;
  }
}
