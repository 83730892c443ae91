package io.trailcast.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a user's day held in {@code events_by_user} before a writing task touched it: what tells an event
 * that arrived after its day was aggregated (late) from one stored before and sent again (a rerun). Each
 * (user, day) is read once, on its first event, before any of its events is written: one task writes a
 * user's day (the dedup shuffle's partitioning). Only the days already aggregated are asked about.
 */
final class StoredEventKeys {
  private final CqlSession session;
  private final PreparedStatement select;
  private final Map<List<Object>, Set<String>> read = new HashMap<>();

  StoredEventKeys(CqlSession session, String keyspace) {
    this.session = session;
    this.select = session.prepare("SELECT ts, event_id FROM " + keyspace + ".events_by_user WHERE user_id = ? "
        + "AND day = ?");
  }

  /** Whether the event was in the store before this task wrote to its user's day. */
  boolean stored(String user, LocalDate day, long tsMillis, String eventId) {
    Set<String> keys = read.computeIfAbsent(List.of(user, day), k -> {
      Set<String> stored = new HashSet<>();
      for (Row r : session.execute(select.bind(user, day))) {
        stored.add(key(r.getInstant(0).toEpochMilli(), r.getString(1)));
      }
      return stored;
    });
    return keys.contains(key(tsMillis, eventId));
  }

  private static String key(long tsMillis, String eventId) {
    return tsMillis + "|" + eventId;
  }
}
