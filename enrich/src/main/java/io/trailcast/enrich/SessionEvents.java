package io.trailcast.enrich;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.ingest.EventDays;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The events of each stored session: a window's events (read by key through event_days) joined
 * with the aggregate's sessions_by_user on the user and the session's time span. Sessions never
 * cross midnight, so an event and its session share the day and the month partition.
 */
public final class SessionEvents {
  private SessionEvents() {
  }

  /**
   * Rows of {@code eventColumns} (user_id, day and ts always included) of the days {@code from..to},
   * each with {@code sessionColumns} of its session (session_id, session_start and session_end
   * always included; names must differ from the event columns').
   */
  public static Dataset<Row> of(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      List<String> eventColumns, List<String> sessionColumns) {
    LinkedHashSet<String> wanted = new LinkedHashSet<>(List.of("user_id", "day", "ts"));
    wanted.addAll(eventColumns);
    Dataset<Row> events = EventDays.events(spark, target, from, to, wanted.toArray(new String[0]))
        .withColumn("month", date_format(col("day"), "yyyy-MM"));
    LinkedHashSet<String> sessionWanted = new LinkedHashSet<>(List.of("user_id", "session_id", "session_start",
        "session_end"));
    sessionWanted.addAll(sessionColumns);
    Dataset<Row> sessions = CassandraTables.lookup(spark, events.select("user_id", "month").distinct(), target,
        "sessions_by_user", sessionWanted.toArray(new String[0]));
    List<Column> columns = new ArrayList<>();
    for (String name : wanted) {
      columns.add(events.col(name));
    }
    for (String name : sessionWanted) {
      if (!name.equals("user_id")) {
        columns.add(sessions.col(name));
      }
    }
    return events.join(sessions, events.col("user_id").equalTo(sessions.col("user_id"))
            .and(events.col("ts").between(sessions.col("session_start"), sessions.col("session_end"))))
        .select(columns.toArray(new Column[0]));
  }
}
