package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user_lifetime rows of a micro-batch's users, read in one round of asynchronous queries
 * before the state function needs them, per executor JVM: the state function takes a user's row
 * from here when the user is new to it, and reads it by key only on a miss (another executor, an
 * entry gone stale). An entry is used for a minute at most, so it is as fresh as a read in the call.
 */
final class HistoryPrefetch {
  static final String COLUMNS = "sessions, conversions, last_seen, theme_pageviews";
  private static final long TTL_MS = 60_000;
  private static final int CAPACITY = 200_000;
  private static final Row NONE = null;
  /** keyspace + user → the row (or none) and when it was read. */
  private static final Map<String, Entry> CACHE = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > CAPACITY;
    }
  };

  private record Entry(Row row, long readAt) {
  }

  private HistoryPrefetch() {
  }

  static String select(String keyspace) {
    return "SELECT " + COLUMNS + " FROM " + keyspace + ".user_lifetime WHERE user_id = ?";
  }

  /** Reads the rows of {@code users} not read within the minute, all at once; returns how many were read. */
  static int prefetch(CqlSession session, PreparedStatement read, String keyspace, Collection<String> users) {
    long now = System.currentTimeMillis();
    List<String> missing = new ArrayList<>();
    synchronized (CACHE) {
      for (String user : users) {
        Entry entry = CACHE.get(keyspace + "\u0001" + user);
        if (entry == null || entry.readAt() + TTL_MS < now) {
          missing.add(user);
        }
      }
    }
    List<com.datastax.oss.driver.api.core.cql.BoundStatement> reads = new ArrayList<>(missing.size());
    for (String user : missing) {
      reads.add(read.bind(user));
    }
    List<Row> rows = AsyncQueries.firstRows(session, reads);
    for (int i = 0; i < missing.size(); i++) {
      Row row = rows.get(i);
      synchronized (CACHE) {
        CACHE.put(keyspace + "\u0001" + missing.get(i), new Entry(row == null ? NONE : row, now));
      }
    }
    return missing.size();
  }

  /** The prefetched row of a user: present (maybe holding no row) when read within the minute. */
  static java.util.Optional<java.util.Optional<Row>> get(String keyspace, String user) {
    synchronized (CACHE) {
      Entry entry = CACHE.get(keyspace + "\u0001" + user);
      if (entry == null || entry.readAt() + TTL_MS < System.currentTimeMillis()) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(java.util.Optional.ofNullable(entry.row()));
    }
  }
}
