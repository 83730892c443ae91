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
 * A rerun of a source rewrites its rows, so a day's figures are those of the last run that read it.
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

  private static java.nio.ByteBuffer sketch(Map<DayAccounts.Key, byte[]> delays, Day d, String kind) {
    byte[] sketch = delays.get(new DayAccounts.Key(d.day(), d.source(), kind));
    return sketch == null ? null : java.nio.ByteBuffer.wrap(sketch);
  }
}
