package io.trailcast.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.IngestRows;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Spark transform: events in any order, the same sessions as in event-time order. */
class SessionsIT {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.local();
  }

  private static Row event(String user, String ts, long line, String path, String action, int status) {
    Object[] values = new Object[IngestRows.SCHEMA.size()];
    values[IngestRows.SCHEMA.fieldIndex("user_id")] = user;
    values[IngestRows.SCHEMA.fieldIndex("site")] = "s";
    values[IngestRows.SCHEMA.fieldIndex("ts")] = Timestamp.from(Instant.parse(ts));
    values[IngestRows.SCHEMA.fieldIndex("event_id")] = user + line;
    values[IngestRows.SCHEMA.fieldIndex("url")] = "h" + path;
    values[IngestRows.SCHEMA.fieldIndex("action")] = action;
    values[IngestRows.SCHEMA.fieldIndex("interactive")] = !action.equals("other");
    values[IngestRows.SCHEMA.fieldIndex("status")] = status;
    values[IngestRows.SCHEMA.fieldIndex("bot")] = false;
    values[IngestRows.SCHEMA.fieldIndex("source")] = "f";
    values[IngestRows.SCHEMA.fieldIndex("line")] = line;
    return RowFactory.create(values);
  }

  @Test
  void outOfOrderEventsGiveTheSessionsOfTheirEventTime() {
    List<Row> rows = new ArrayList<>(List.of(
        event("a", "2026-01-05T10:40:00Z", 4, "/c", "pageview", 200),      // a new session: 35 min after /b
        event("b", "2026-01-05T09:00:00Z", 5, "/x", "pageview", 404),      // no page shown: depth 0
        event("a", "2026-01-05T10:00:00Z", 2, "/a", "pageview", 200),
        event("a", "2026-01-05T10:00:00Z", 3, "/app.css", "other", 200),   // its asset, same second
        event("a", "2026-01-05T10:05:00Z", 1, "/b", "pageview", 200)));    // logged first, happened second
    Dataset<Row> events = spark.createDataFrame(rows, IngestRows.SCHEMA);
    long end = Instant.parse("2026-01-06T00:00:00Z").toEpochMilli();
    List<String> sessions = Sessions.apply(events, SessionRules.defaults(ZoneId.of("UTC")), end)
        .orderBy("user_id", "session_start")
        .selectExpr("concat_ws(' ', user_id, date_format(session_start, 'HH:mm'), end_reason, landing_page, "
            + "exit_page, depth, events, bounced)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of(
        "a 10:00 timeout h/a h/b 2 3 false",
        "a 10:40 timeout h/c h/c 1 1 true",
        "b 09:00 timeout 0 1 false"), sessions);
  }
}
