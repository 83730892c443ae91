package io.trailcast.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ingest_days}: per day and source, what an ingest made of the lines ({@link DayAccounts}).
 * A rerun of a source rewrites its rows, so a day's figures are those of the last run that read it; the streaming
 * job adds each micro-batch to its source's rows ({@link #addBatch}).
 * Days outside the run's window are not written (its lines there were left out, not ingested).
 */
public final class IngestDays {
  /** One row of the table. */
  /** One row of the table; {@code late}: of the written, those that arrived after their day was aggregated. */
  public record Day(LocalDate day, String source, long lines, long written, long duplicates, long suppressed,
      Map<String, Long> quarantined, Map<String, Long> botEvents, long late) {
  }

  private IngestDays() {
  }

  /**
   * The rows of a run's counts; lines that no neighbour gave a day go under {@code undatedDay} (the
   * run's own day), so that they show up in that day's figures rather than nowhere.
   */
  public static List<Day> rows(Map<DayAccounts.Key, Long> counts, LocalDate from, LocalDate to, LocalDate undatedDay) {
    List<Day> rows = new ArrayList<>();
    Map<DayAccounts.Key, Map<String, Long>> merged = new TreeMap<>(java.util.Comparator
        .comparing(DayAccounts.Key::day).thenComparing(DayAccounts.Key::source));
    DayAccounts.byDayAndSource(counts).forEach((key, kinds) -> {
      LocalDate day = key.day() == null ? undatedDay : key.day();
      Map<String, Long> into = merged.computeIfAbsent(new DayAccounts.Key(day, key.source(), ""), k -> new TreeMap<>());
      kinds.forEach((kind, n) -> into.merge(kind, n, Long::sum));
    });
    merged.forEach((key, kinds) -> {
      if ((from != null && key.day().isBefore(from)) || (to != null && key.day().isAfter(to))) {
        return;
      }
      Map<String, Long> quarantined = new TreeMap<>();
      Map<String, Long> bots = new TreeMap<>();
      long total = 0;
      for (Map.Entry<String, Long> e : kinds.entrySet()) {
        if (e.getKey().startsWith(DayAccounts.QUARANTINED)) {
          quarantined.put(e.getKey().substring(DayAccounts.QUARANTINED.length()), e.getValue());
          total += e.getValue();
        } else if (e.getKey().startsWith(DayAccounts.BOT)) {
          bots.put(e.getKey().substring(DayAccounts.BOT.length()), e.getValue());
        } else if (!e.getKey().equals(DayAccounts.LATE)) {
          total += e.getValue();
        }
      }
      rows.add(new Day(key.day(), key.source(), total, kinds.getOrDefault(DayAccounts.WRITTEN, 0L),
          kinds.getOrDefault(DayAccounts.DUPLICATES, 0L), kinds.getOrDefault(DayAccounts.SUPPRESSED, 0L), quarantined,
          bots, kinds.getOrDefault(DayAccounts.LATE, 0L)));
    });
    return rows;
  }

  /**
   * Writes {@code rows} for run {@code runId}, each with its arrival delays ({@link ArrivalDelays}): of every
   * written event, and of the late ones alone.
   */
  public static void write(CqlSession cql, List<Day> rows, Map<DayAccounts.Key, byte[]> delays, String runId,
      Instant at) {
    PreparedStatement insert = cql.prepare("INSERT INTO ingest_days (day, source, lines, written, duplicates, "
        + "suppressed, quarantined, bot_events, arrival_delay, late_events, late_delay, run_id, ingested_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (Day d : rows) {
      cql.execute(insert.bind(d.day(), d.source(), d.lines(), d.written(), d.duplicates(), d.suppressed(),
          d.quarantined(), d.botEvents(), sketch(delays, d, ""), d.late(), sketch(delays, d, DayAccounts.LATE), runId,
          at));
    }
  }

  /**
   * A stream's accounts per Kafka partition: a message of several lines names each line's source
   * {@code kafka:TOPIC/PARTITION@OFFSET}, which would make a row per message.
   */
  public static <V> Map<DayAccounts.Key, V> perPartition(Map<DayAccounts.Key, V> accounts,
      java.util.function.BinaryOperator<V> merge) {
    Map<DayAccounts.Key, V> out = new java.util.HashMap<>();
    accounts.forEach((key, value) -> {
      int at = key.source().indexOf('@');
      String source = at < 0 ? key.source() : key.source().substring(0, at);
      out.merge(new DayAccounts.Key(key.day(), source, key.kind()), value, merge);
    });
    return out;
  }

  /**
   * Adds a stream's micro-batch {@code batchId} of query {@code queryId} to the rows of its (day, source): read,
   * summed (sketches merged), written back with the batch recorded in {@code batches}, so that a micro-batch
   * replayed after a crash is not added twice. One query at a time updates a source's rows.
   */
  public static void addBatch(CqlSession cql, List<Day> rows, Map<DayAccounts.Key, byte[]> delays, String queryId,
      long batchId, Instant at) {
    PreparedStatement read = cql.prepare("SELECT lines, written, duplicates, suppressed, quarantined, bot_events, "
        + "arrival_delay, late_events, late_delay, batches FROM ingest_days WHERE day = ? AND source = ?");
    PreparedStatement write = cql.prepare("UPDATE ingest_days SET lines = ?, written = ?, duplicates = ?, "
        + "suppressed = ?, quarantined = ?, bot_events = ?, arrival_delay = ?, late_events = ?, late_delay = ?, "
        + "run_id = ?, ingested_at = ?, batches[?] = ? WHERE day = ? AND source = ?");
    for (Day d : rows) {
      com.datastax.oss.driver.api.core.cql.Row stored = cql.execute(quorum(read.bind(d.day(), d.source()))).one();
      Long applied = stored == null ? null : stored.getMap(9, String.class, Long.class).get(queryId);
      if (applied != null && applied >= batchId) {
        continue;
      }
      Day sum = stored == null ? d : new Day(d.day(), d.source(), d.lines() + stored.getLong(0),
          d.written() + stored.getLong(1), d.duplicates() + stored.getLong(2), d.suppressed() + stored.getLong(3),
          added(d.quarantined(), stored.getMap(4, String.class, Long.class)),
          added(d.botEvents(), stored.getMap(5, String.class, Long.class)),
          d.late() + (stored.isNull(7) ? 0 : stored.getLong(7)));
      cql.execute(quorum(write.bind(sum.lines(), sum.written(), sum.duplicates(), sum.suppressed(), sum.quarantined(),
          sum.botEvents(), merged(sketch(delays, d, ""), stored, 6), sum.late(),
          merged(sketch(delays, d, DayAccounts.LATE), stored, 8), queryId, at, queryId, batchId, d.day(),
          d.source())));
    }
  }

  private static Map<String, Long> added(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> sum = new TreeMap<>(a);
    b.forEach((k, n) -> sum.merge(k, n, Long::sum));
    return sum;
  }

  /** A micro-batch's sketch merged with the stored one of column {@code column}; either may be absent. */
  private static java.nio.ByteBuffer merged(java.nio.ByteBuffer batch, com.datastax.oss.driver.api.core.cql.Row stored,
      int column) {
    if (stored == null || stored.isNull(column)) {
      return batch;
    }
    List<byte[]> both = new ArrayList<>();
    for (java.nio.ByteBuffer b : new java.nio.ByteBuffer[] {batch, stored.getByteBuffer(column)}) {
      if (b != null) {
        both.add(ArrivalDelays.bytes(b));
      }
    }
    return java.nio.ByteBuffer.wrap(ArrivalDelays.merged(both).toByteArray());
  }

  /** A read-modify-write must see the last write on any replica set. */
  private static com.datastax.oss.driver.api.core.cql.BoundStatement quorum(
      com.datastax.oss.driver.api.core.cql.BoundStatement statement) {
    return statement.setConsistencyLevel(com.datastax.oss.driver.api.core.ConsistencyLevel.LOCAL_QUORUM);
  }

  private static java.nio.ByteBuffer sketch(Map<DayAccounts.Key, byte[]> delays, Day d, String kind) {
    byte[] sketch = delays.get(new DayAccounts.Key(d.day(), d.source(), kind));
    return sketch == null ? null : java.nio.ByteBuffer.wrap(sketch);
  }
}
