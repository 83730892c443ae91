package io.trailcast.ingest;

import java.sql.Date;
import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The one row shape ingest produces: an event (reject_reason null), a quarantined line, or a
 * source's line count (physical_lines set: what its reader saw, for {@link LineAccounts}).
 */
public final class IngestRows {
  public static final StructType SCHEMA = new StructType()
      .add("user_id", DataTypes.StringType)
      .add("day", DataTypes.DateType)
      .add("ts", DataTypes.TimestampType)
      .add("event_id", DataTypes.StringType)
      .add("site", DataTypes.StringType)
      .add("url", DataTypes.StringType)
      .add("host", DataTypes.StringType)
      .add("path", DataTypes.StringType)
      .add("action", DataTypes.StringType)
      .add("referrer", DataTypes.StringType)
      .add("search_query", DataTypes.StringType)
      .add("tracking", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("campaign", DataTypes.StringType)
      .add("ip_hash", DataTypes.StringType)
      .add("user_agent", DataTypes.StringType)
      .add("status", DataTypes.IntegerType)
      .add("interactive", DataTypes.BooleanType)
      .add("bot", DataTypes.BooleanType)
      .add("bot_reason", DataTypes.StringType)
      .add("login", DataTypes.StringType)
      .add("email_hash", DataTypes.StringType)
      .add("source", DataTypes.StringType, false)
      .add("line", DataTypes.LongType, false)
      .add("reject_reason", DataTypes.StringType)
      .add("raw", DataTypes.StringType)
      .add("physical_lines", DataTypes.LongType)
      .add("blank_lines", DataTypes.LongType);

  private IngestRows() {
  }

  public static Row of(Event e) {
    // An empty map is written as null, left unset by the writer: no collection tombstone per row.
    Object tracking = e.tracking().isEmpty() ? null : scala.collection.JavaConverters.mapAsScalaMap(e.tracking());
    return RowFactory.create(e.userId(), Date.valueOf(e.day()), new Timestamp(e.ts()), e.eventId(), e.site(), e.url(),
        e.host(), e.path(), e.action(), e.referrer(), e.searchQuery(), tracking, e.campaign(), e.ipHash(),
        e.userAgent(),
        e.status(), e.interactive(), e.bot(), e.botReason(), e.login(), e.emailHash(), e.source(), e.line(), null,
        null, null, null);
  }

  public static Row of(Rejected r) {
    return of(r, null);
  }

  /** A rejected line counted under {@code day} (null: none) in the quality figures ({@link DayAccounts}). */
  public static Row of(Rejected r, java.time.LocalDate day) {
    return RowFactory.create(null, day == null ? null : Date.valueOf(day), null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, r.source(), r.line(), r.reason(),
        r.raw(), null, null);
  }

  /**
   * What the reader of {@code source} saw: its physical lines, and how many held no data (blank, a
   * W3C directive). Line 0, which no line has.
   */
  public static Row lineCount(String source, long physical, long blank) {
    Object[] values = new Object[SCHEMA.size()];
    values[SCHEMA.fieldIndex("source")] = source;
    values[SCHEMA.fieldIndex("line")] = 0L;
    values[SCHEMA.fieldIndex("physical_lines")] = physical;
    values[SCHEMA.fieldIndex("blank_lines")] = blank;
    return RowFactory.create(values);
  }
}
