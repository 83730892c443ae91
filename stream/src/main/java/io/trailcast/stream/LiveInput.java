package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.trailcast.ingest.Event;
import io.trailcast.ingest.IngestRows;
import io.trailcast.ingest.IngestSink;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The first stage of a micro-batch, per partition of parsed rows: ingest's dedup and sink (every
 * event into {@code events_by_user} and {@code event_days}, late ones included; bad lines into
 * {@code quarantine}), then the accepted events as the state function reads them, with their
 * page's theme; the lookups (themes, users' history) in one round of asynchronous queries for the
 * whole partition. One parse of each message feeds both the event writes and the live state.
 */
final class LiveInput implements Serializable {
  private static final long serialVersionUID = 1L;
  /** What the state function reads: its input columns, then the theme. */
  static final StructType SCHEMA;
  private static final int[] FROM_INGEST;
  private static final int REASON = IngestRows.SCHEMA.fieldIndex("reject_reason");
  private static final int EVENT_ID = IngestRows.SCHEMA.fieldIndex("event_id");
  private static final int SOURCE = IngestRows.SCHEMA.fieldIndex("source");
  private static final int LINE = IngestRows.SCHEMA.fieldIndex("line");
  private static final int USER = IngestRows.SCHEMA.fieldIndex("user_id");
  private static final int DAY = IngestRows.SCHEMA.fieldIndex("day");
  private static final int URL = IngestRows.SCHEMA.fieldIndex("url");
  private static final int INTERACTIVE = IngestRows.SCHEMA.fieldIndex("interactive");
  private static final int STATUS = IngestRows.SCHEMA.fieldIndex("status");
  private static final int ACTION = IngestRows.SCHEMA.fieldIndex("action");

  static {
    String[] columns = LiveSessionsFunction.INPUT_COLUMNS;
    StructType schema = new StructType();
    FROM_INGEST = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if (columns[i].equals("pageview")) {
        FROM_INGEST[i] = -1;
        schema = schema.add("pageview", DataTypes.BooleanType, false);
      } else {
        FROM_INGEST[i] = IngestRows.SCHEMA.fieldIndex(columns[i]);
        schema = schema.add(IngestRows.SCHEMA.fields()[FROM_INGEST[i]]);
      }
    }
    SCHEMA = schema.add("theme", DataTypes.StringType);
  }

  private final IngestSink sink;
  private final ThemeLookup themes;
  private final CassandraConnector connector;
  private final String keyspace;
  private final LiveTimers timers;

  LiveInput(IngestSink sink, ThemeLookup themes, CassandraConnector connector, String keyspace, LiveTimers timers) {
    this.sink = sink;
    this.themes = themes;
    this.connector = connector;
    this.keyspace = keyspace;
    this.timers = timers;
  }

  Iterator<Row> apply(Iterator<Row> parsed) throws InterruptedException {
    if (!parsed.hasNext()) {
      return java.util.Collections.emptyIterator();
    }
    List<Row> unique = dedup(parsed);
    // A user-day's rows together: the sink sends each Cassandra partition's rows as one batch.
    unique.sort(Comparator.comparing((Row r) -> r.isNullAt(USER) ? "" : r.getString(USER))
        .thenComparing(r -> r.isNullAt(DAY) ? 0 : r.getDate(DAY).getTime()));
    long started = System.nanoTime();
    sink.write(unique.iterator());
    timers.events().add((System.nanoTime() - started) / 1000);
    List<Row> events = new ArrayList<>();
    Set<String> pages = new HashSet<>();
    Set<String> users = new HashSet<>();
    io.trailcast.ingest.Suppression forgotten = sink.suppression();
    for (Row row : unique) {
      // Events only: not rejected lines, line counts, other copies or a forgotten person's.
      if (!row.isNullAt(REASON) || row.isNullAt(USER) || row.getBoolean(row.size() - 1) || forgotten.holds(row)) {
        continue;
      }
      events.add(row);
      users.add(row.getString(USER));
      if (pageview(row) && row.getString(URL) != null) {
        pages.add(row.getString(URL));
      }
    }
    if (events.isEmpty()) {
      return java.util.Collections.emptyIterator();
    }
    Map<String, String> themed;
    try (CqlSession session = connector.openSession()) {
      long lookups = System.nanoTime();
      themed = themes.themes(session, pages);
      long history = System.nanoTime();
      timers.themes().add((history - lookups) / 1000);
      PreparedStatement read = session.prepare(HistoryPrefetch.select(keyspace));
      HistoryPrefetch.prefetch(session, read, keyspace, users);
      timers.history().add((System.nanoTime() - history) / 1000);
    }
    List<Row> out = new ArrayList<>(events.size());
    for (Row row : events) {
      Object[] values = new Object[FROM_INGEST.length + 1];
      boolean pageview = pageview(row);
      for (int i = 0; i < FROM_INGEST.length; i++) {
        values[i] = FROM_INGEST[i] < 0 ? pageview : row.get(FROM_INGEST[i]);
      }
      values[FROM_INGEST.length] = pageview ? themed.get(row.getString(URL)) : null;
      out.add(RowFactory.create(values));
    }
    return out.iterator();
  }

  private static boolean pageview(Row row) {
    return !row.isNullAt(INTERACTIVE) && !row.isNullAt(STATUS)
        && Event.isPageview(row.getBoolean(INTERACTIVE), row.getInt(STATUS), row.getString(ACTION));
  }

  /**
   * Ingest's dedup within the partition: copies of an event (one id) are one event, the first by
   * (source, line); every row gets {@code duplicate} appended (the other copies: true), so the
   * sink accounts for each. Copies in other partitions of the micro-batch are written again: the
   * same row, an upsert.
   */
  static List<Row> dedup(Iterator<Row> rows) {
    Map<String, List<Row>> byKey = new LinkedHashMap<>();
    while (rows.hasNext()) {
      Row row = rows.next();
      String key = row.isNullAt(EVENT_ID) ? "line:" + row.getString(SOURCE) + ":" + row.getLong(LINE)
          : row.getString(EVENT_ID);
      byKey.computeIfAbsent(key, k -> new ArrayList<>(1)).add(row);
    }
    Comparator<Row> byPosition = Comparator.comparing((Row r) -> r.getString(SOURCE))
        .thenComparingLong(r -> r.getLong(LINE));
    List<Row> out = new ArrayList<>();
    for (List<Row> copies : byKey.values()) {
      Row first = copies.size() == 1 ? copies.get(0) : copies.stream().min(byPosition).orElseThrow();
      for (Row copy : copies) {
        Object[] values = new Object[copy.size() + 1];
        for (int i = 0; i < copy.size(); i++) {
          values[i] = copy.get(i);
        }
        values[copy.size()] = copy != first;
        out.add(RowFactory.create(values));
      }
    }
    return out;
  }
}
