package io.trailcast.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.trailcast.core.spark.CassandraWriter;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * The write side of an ingest, run per partition as a Spark action: events go to
 * {@code events_by_user} (and their user-days to the {@code event_days} index), rejected lines to
 * {@code quarantine}, and every row is counted. As an
 * action it counts each row exactly once (accumulators in actions survive task retries), so one
 * pass over the data writes both tables and yields the run's counts. The streaming job writes
 * each micro-batch through it too.
 */
public final class IngestSink implements Serializable {
  private static final long serialVersionUID = 1L;
  /** events_by_user's columns: the leading fields of {@link IngestRows#SCHEMA}. */
  static final String[] EVENT_COLUMNS = Arrays.copyOf(IngestRows.SCHEMA.fieldNames(),
      IngestRows.SCHEMA.fieldIndex("line") + 1);
  static final String[] QUARANTINE_COLUMNS = {"source", "bucket", "line", "stage", "reason", "raw"};
  private static final int USER = IngestRows.SCHEMA.fieldIndex("user_id");
  private static final int DAY = IngestRows.SCHEMA.fieldIndex("day");
  private static final int TS = IngestRows.SCHEMA.fieldIndex("ts");
  private static final int EVENT_ID = IngestRows.SCHEMA.fieldIndex("event_id");
  private static final int BOT = IngestRows.SCHEMA.fieldIndex("bot");
  private static final int BOT_REASON = IngestRows.SCHEMA.fieldIndex("bot_reason");
  private static final int SOURCE = IngestRows.SCHEMA.fieldIndex("source");
  private static final int LINE = IngestRows.SCHEMA.fieldIndex("line");
  private static final int REASON = IngestRows.SCHEMA.fieldIndex("reject_reason");
  private static final int RAW = IngestRows.SCHEMA.fieldIndex("raw");
  private static final int PHYSICAL = IngestRows.SCHEMA.fieldIndex("physical_lines");
  private static final int BLANK = IngestRows.SCHEMA.fieldIndex("blank_lines");

  /** The run's counters, read on the driver once the action is done. */
  public record Counters(LongAccumulator read, LongAccumulator written, LongAccumulator duplicates,
      LongAccumulator quarantined, LongAccumulator filtered, LongAccumulator suppressed, LongAccumulator bots,
      LineAccounts lines, DayAccounts days, ArrivalDelays delays) implements Serializable {
    /** The run's counters, named {@code PREFIX read}, {@code PREFIX written}, ... in the Spark UI. */
    public static Counters create(org.apache.spark.SparkContext context, String prefix) {
      LineAccounts lines = new LineAccounts();
      context.register(lines, prefix + " lines per source");
      DayAccounts days = new DayAccounts();
      context.register(days, prefix + " lines per day");
      ArrivalDelays delays = new ArrivalDelays();
      context.register(delays, prefix + " arrival delays");
      return new Counters(context.longAccumulator(prefix + " read"), context.longAccumulator(prefix + " written"),
          context.longAccumulator(prefix + " duplicates"), context.longAccumulator(prefix + " quarantined"),
          context.longAccumulator(prefix + " filtered"), context.longAccumulator(prefix + " suppressed"),
          context.longAccumulator(prefix + " bots"), lines, days, delays);
    }
  }

  private final CassandraConnector connector;
  private final String keyspace;
  private final LocalDate from;
  private final LocalDate to;
  private final boolean dryRun;
  private final Counters counters;
  /** Set anew by the stream between micro-batches, as forget requests arrive. */
  private volatile Suppression suppression;
  /**
   * The days an aggregate run has seen ({@code aggregated_days}): a new event of one of them arrived late. Set
   * anew by the stream between micro-batches, as aggregate runs go by.
   */
  private volatile Set<LocalDate> aggregatedDays;

  public IngestSink(CassandraConnector connector, String keyspace, IngestConfig config, Counters counters,
      Suppression suppression, Set<LocalDate> aggregatedDays) {
    this.connector = connector;
    this.keyspace = keyspace;
    this.from = config.from();
    this.to = config.to();
    this.dryRun = config.dryRun();
    this.counters = counters;
    this.suppression = suppression;
    this.aggregatedDays = new HashSet<>(aggregatedDays);
  }

  /** The days {@code aggregated_days} holds, read before a run's writes. */
  public static Set<LocalDate> readAggregatedDays(CqlSession cql, String keyspace) {
    Set<LocalDate> days = new HashSet<>();
    cql.execute("SELECT day FROM " + keyspace + ".aggregated_days").forEach(r -> days.add(r.getLocalDate(0)));
    return days;
  }

  /** Applies from the next write on (the stream's next micro-batch). */
  public void useAggregatedDays(Set<LocalDate> days) {
    this.aggregatedDays = new HashSet<>(days);
  }

  public Suppression suppression() {
    return suppression;
  }

  /** Applies from the next write on (the stream's next micro-batch). */
  public void suppress(Suppression next) {
    this.suppression = next;
  }

  /** Writes and counts one partition of rows with their duplicate mark ({@link Ingest#markDuplicates}). */
  public void write(Iterator<Row> rows) throws InterruptedException {
    Set<LocalDate> aggregated = aggregatedDays;
    if (dryRun && aggregated.isEmpty()) {
      count(rows, null, null, null, null, aggregated);
      return;
    }
    try (CqlSession session = connector.openSession()) {
      StoredEventKeys stored = aggregated.isEmpty() ? null : new StoredEventKeys(session, keyspace);
      if (dryRun) {
        count(rows, null, null, null, stored, aggregated);
        return;
      }
      CassandraWriter.TableSink events = new CassandraWriter.TableSink(session, keyspace, "events_by_user",
          EVENT_COLUMNS);
      CassandraWriter.TableSink quarantine = new CassandraWriter.TableSink(session, keyspace, "quarantine",
          QUARANTINE_COLUMNS);
      CassandraWriter.TableSink index = new CassandraWriter.TableSink(session, keyspace, "event_days",
          EventDays.COLUMNS);
      count(rows, events, quarantine, index, stored, aggregated);
      events.finish();
      quarantine.finish();
      index.finish();
    }
  }

  private void count(Iterator<Row> rows, CassandraWriter.TableSink events, CassandraWriter.TableSink quarantine,
      CassandraWriter.TableSink index, StoredEventKeys stored, Set<LocalDate> aggregated)
      throws InterruptedException {
    // Rows come grouped by (user, day) from the dedup shuffle; a set still keeps each index row once.
    Set<List<Object>> indexed = new HashSet<>();
    long read = 0;
    long written = 0;
    long duplicates = 0;
    long quarantined = 0;
    long filtered = 0;
    long suppressed = 0;
    long bots = 0;
    Suppression forgotten = suppression;
    Object[] event = new Object[EVENT_COLUMNS.length];
    Map<String, long[]> lines = new HashMap<>();
    Map<DayAccounts.Key, Long> days = new HashMap<>();
    // Arrival: when this task reads the events (a batch run's tasks start within seconds of each other).
    long arrived = System.currentTimeMillis();
    Map<DayAccounts.Key, KllDoublesSketch> delays = new HashMap<>();
    while (rows.hasNext()) {
      Row row = rows.next();
      long[] source = lines.computeIfAbsent(row.getString(SOURCE), k -> new long[LineAccounts.Outcome.values().length]);
      if (!row.isNullAt(PHYSICAL)) {
        source[LineAccounts.Outcome.LINES.ordinal()] += row.getLong(PHYSICAL);
        source[LineAccounts.Outcome.BLANK.ordinal()] += row.getLong(BLANK);
        continue;
      }
      read++;
      LocalDate day = row.isNullAt(DAY) ? null : row.getDate(DAY).toLocalDate();
      String origin = row.getString(SOURCE);
      if (row.getBoolean(row.size() - 1)) {
        days.merge(new DayAccounts.Key(day, origin, DayAccounts.DUPLICATES), 1L, Long::sum);
        duplicates++;
        source[LineAccounts.Outcome.DUPLICATE.ordinal()]++;
        continue;
      }
      if (!row.isNullAt(REASON)) {
        quarantined++;
        source[LineAccounts.Outcome.QUARANTINED.ordinal()]++;
        String kind = DayAccounts.QUARANTINED + DayAccounts.reasonKind(row.getString(REASON));
        days.merge(new DayAccounts.Key(day, origin, kind), 1L, Long::sum);
        if (quarantine != null) {
          long line = row.getLong(LINE);
          int bucket = (int) (line / 100_000);
          quarantine.add(new Object[] {row.get(SOURCE), bucket, line, "ingest", row.get(REASON), row.get(RAW)},
              new Object[] {row.get(SOURCE), bucket});
        }
        continue;
      }
      if ((from != null && day.isBefore(from)) || (to != null && day.isAfter(to))) {
        filtered++;
        source[LineAccounts.Outcome.FILTERED.ordinal()]++;
        continue;
      }
      if (forgotten.holds(row)) {
        suppressed++;
        source[LineAccounts.Outcome.SUPPRESSED.ordinal()]++;
        days.merge(new DayAccounts.Key(day, origin, DayAccounts.SUPPRESSED), 1L, Long::sum);
        continue;
      }
      written++;
      source[LineAccounts.Outcome.WRITTEN.ordinal()]++;
      days.merge(new DayAccounts.Key(day, origin, DayAccounts.WRITTEN), 1L, Long::sum);
      long ts = row.getTimestamp(TS).getTime();
      delays.computeIfAbsent(new DayAccounts.Key(day, origin, ""), k -> ArrivalDelays.sketch())
          .update(ArrivalDelays.seconds(ts, arrived));
      // Asked before the event is written: once written, it is stored.
      if (stored != null && aggregated.contains(day)
          && !stored.stored(row.getString(USER), day, ts, row.getString(EVENT_ID))) {
        days.merge(new DayAccounts.Key(day, origin, DayAccounts.LATE), 1L, Long::sum);
        delays.computeIfAbsent(new DayAccounts.Key(day, origin, DayAccounts.LATE), k -> ArrivalDelays.sketch())
            .update(ArrivalDelays.seconds(ts, arrived));
      }
      if (row.getBoolean(BOT)) {
        bots++;
        days.merge(new DayAccounts.Key(day, origin, DayAccounts.BOT + (row.isNullAt(BOT_REASON) ? "flagged"
            : row.getString(BOT_REASON))), 1L, Long::sum);
      }
      if (events != null) {
        for (int i = 0; i < event.length; i++) {
          event[i] = row.get(i);
        }
        events.add(event, new Object[] {row.get(USER), row.get(DAY)});
        if (indexed.add(List.of(row.get(USER), row.get(DAY)))) {
          Object[] entry = EventDays.row(row.getString(USER), row.get(DAY));
          index.add(entry, new Object[] {entry[0], entry[1]});
        }
      }
    }
    counters.lines().addAll(lines);
    counters.days().addAll(days);
    Map<DayAccounts.Key, byte[]> sketches = new HashMap<>();
    delays.forEach((key, sketch) -> sketches.put(key, sketch.toByteArray()));
    counters.delays().add(sketches);
    counters.read().add(read);
    counters.written().add(written);
    counters.duplicates().add(duplicates);
    counters.quarantined().add(quarantined);
    counters.filtered().add(filtered);
    counters.suppressed().add(suppressed);
    counters.bots().add(bots);
  }
}
