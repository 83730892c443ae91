package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The per-day quality accounting of ingest: reasons by kind, days for rejected lines, the rows stored. */
class DayAccountsTest {
  private static final LocalDate JAN5 = LocalDate.of(2026, 1, 5);
  private static final LocalDate JAN6 = LocalDate.of(2026, 1, 6);
  private static final String GOOD5 =
      "1.2.3.4 - - [05/Jan/2026:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"Mozilla\"";
  private static final String GOOD6 =
      "1.2.3.4 - - [06/Jan/2026:10:00:00 +0000] \"GET /b HTTP/1.1\" 200 5 \"-\" \"Mozilla\"";
  private static final String BAD = "this is not an access log line";

  @Test
  void aReasonsKindStopsWhereTheLinesOwnTextStarts() {
    assertEquals("bad status", DayAccounts.reasonKind("bad status '9x9'"));
    assertEquals("bad status", DayAccounts.reasonKind("bad status 999"));
    assertEquals("line longer than", DayAccounts.reasonKind("line longer than 16384 bytes (200000)"));
    assertEquals("timestamp out of range", DayAccounts.reasonKind("timestamp out of range (1990 to 2099): 5 ms"));
    assertEquals("not an access log line: no", DayAccounts.reasonKind("not an access log line: no [timestamp]"));
    assertEquals("truncated: unterminated", DayAccounts.reasonKind("truncated: unterminated [timestamp]"));
    assertEquals("not valid UTF-8 text", DayAccounts.reasonKind("not valid UTF-8 text"));
    assertEquals("W3C line has", DayAccounts.reasonKind("W3C line has 5 fields, #Fields declares 7"));
    assertEquals("other", DayAccounts.reasonKind("'quoted from the start'"));
    assertEquals(DayAccounts.REASON_KIND_CHARS, DayAccounts.reasonKind("x".repeat(200)).length());
  }

  @Test
  void aRejectedLineHasTheDayOfTheEventBeforeItOrElseOfTheFirstAfterIt() {
    List<Row> rows = rows(BAD, BAD, GOOD5, BAD, GOOD6, BAD);
    // Two held rejected lines, then the event that dated them, ...
    assertEquals(List.of("reject " + JAN5, "reject " + JAN5, "event " + JAN5, "reject " + JAN5, "event " + JAN6,
        "reject " + JAN6, "count 6"), describe(rows));
  }

  @Test
  void aFileWithoutAnyEventLeavesItsRejectedLinesWithoutADay() {
    assertEquals(List.of("reject null", "reject null", "count 3"), describe(rows(BAD, "", BAD)));
  }

  @Test
  void theStoredRowsAddUpPerDayAndSourceAndKeepToTheWindow() {
    Map<DayAccounts.Key, Long> counts = new HashMap<>();
    counts.put(new DayAccounts.Key(JAN5, "a.log", DayAccounts.WRITTEN), 10L);
    counts.put(new DayAccounts.Key(JAN5, "a.log", DayAccounts.DUPLICATES), 2L);
    counts.put(new DayAccounts.Key(JAN5, "a.log", DayAccounts.QUARANTINED + "bad status"), 3L);
    counts.put(new DayAccounts.Key(JAN5, "a.log", DayAccounts.BOT + "ua:bot"), 4L);
    counts.put(new DayAccounts.Key(null, "a.log", DayAccounts.QUARANTINED + "bad status"), 1L);
    counts.put(new DayAccounts.Key(JAN6, "a.log", DayAccounts.SUPPRESSED), 5L);
    counts.put(new DayAccounts.Key(JAN6, "b.log", DayAccounts.WRITTEN), 7L);
    counts.put(new DayAccounts.Key(JAN6, "b.log", DayAccounts.LATE), 3L);
    counts.put(new DayAccounts.Key(LocalDate.of(2026, 1, 9), "b.log", DayAccounts.WRITTEN), 8L);
    List<IngestDays.Day> rows = IngestDays.rows(counts, JAN5, JAN6, JAN5);
    assertEquals(List.of(
        // The undated line goes to the run's own day; bot events and late ones are written events, not more lines.
        new IngestDays.Day(JAN5, "a.log", 16, 10, 2, 0, Map.of("bad status", 4L), Map.of("ua:bot", 4L), 0),
        new IngestDays.Day(JAN6, "a.log", 5, 0, 0, 5, Map.of(), Map.of(), 0),
        new IngestDays.Day(JAN6, "b.log", 7, 7, 0, 0, Map.of(), Map.of(), 3)), rows,
        "the day outside the window is left out");
  }

  private static List<Row> rows(String... lines) {
    byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    InputFileRows reader = new InputFileRows(new ByteArrayInputStream(text), "f.log", InputFormat.COMBINED,
        new EventBuilder(SiteConfig.defaults(), "salt"));
    List<Row> rows = new ArrayList<>();
    reader.forEachRemaining(rows::add);
    return rows;
  }

  private static List<String> describe(List<Row> rows) {
    int day = IngestRows.SCHEMA.fieldIndex("day");
    int reason = IngestRows.SCHEMA.fieldIndex("reject_reason");
    int physical = IngestRows.SCHEMA.fieldIndex("physical_lines");
    List<String> out = new ArrayList<>();
    for (Row r : rows) {
      String kind = !r.isNullAt(physical) ? "count " + r.getLong(physical)
          : (r.isNullAt(reason) ? "event " : "reject ") + (r.isNullAt(day) ? "null" : r.getDate(day).toString());
      out.add(kind);
    }
    return out;
  }
}
