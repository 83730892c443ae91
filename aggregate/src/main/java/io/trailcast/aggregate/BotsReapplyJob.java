package io.trailcast.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.core.cassandra.Store;
import io.trailcast.ingest.BotDetector;
import io.trailcast.ingest.EventDays;
import io.trailcast.ingest.SiteConfig;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code bots reapply}: the site's current bot rules (the user-agent library and the site's own tokens, as ingest
 * applies them) applied again to the stored events of a window. Events whose flag or reason changed are rewritten
 * (a cleared reason removed), the days' bot events per rule in {@code ingest_days} recounted, and the aggregate rerun
 * over the days that changed: the tables then hold what a fresh ingest and aggregate under the same rules give.
 */
public final class BotsReapplyJob {
  private static final String[] COLUMNS = {"user_id", "day", "ts", "event_id", "source", "user_agent", "bot",
      "bot_reason"};
  private static final StructType JUDGED = new StructType()
      .add("user_id", DataTypes.StringType)
      .add("day", DataTypes.DateType)
      .add("ts", DataTypes.TimestampType)
      .add("event_id", DataTypes.StringType)
      .add("source", DataTypes.StringType)
      .add("old_reason", DataTypes.StringType)
      .add("old_bot", DataTypes.BooleanType)
      .add("bot_reason", DataTypes.StringType);

  private BotsReapplyJob() {
  }

  /**
   * What a run found and did.
   *
   * @param events the window's stored events judged again
   * @param flagged events now bots that were not
   * @param cleared events no longer bots
   * @param reasonChanged events still bots under another rule
   * @param byReason the changed events per new reason ({@code human} for cleared ones)
   * @param daysChanged the days with a changed event, in order
   * @param aggregate the aggregate rerun over them, or null (nothing changed, or a dry run)
   */
  public record Result(LocalDate from, LocalDate to, long events, long flagged, long cleared, long reasonChanged,
      Map<String, Long> byReason, List<LocalDate> daysChanged, AggregateJob.Result aggregate, boolean dryRun) {
    public String line() {
      String head = String.format(Locale.ROOT, "%s..%s: %,d events judged again: %,d newly bots, %,d no longer, "
          + "%,d under another rule", from, to, events, flagged, cleared, reasonChanged);
      if (daysChanged.isEmpty()) {
        return head + "; nothing to rewrite";
      }
      String days = daysChanged.size() + " day(s) changed (" + daysChanged.get(0)
          + (daysChanged.size() > 1 ? ".." + daysChanged.get(daysChanged.size() - 1) : "") + ")";
      return head + " " + byReason + "; " + days + (dryRun ? "; dry run: nothing written"
          : "; rewritten, aggregate rerun: " + aggregate.line());
    }
  }

  public static Result run(SparkSession spark, Store store, LocalDate from, LocalDate to, SiteConfig site,
      boolean dryRun) {
    CassandraTarget target = store.target();
    BotDetector bots = new BotDetector(site.botUserAgents());
    Dataset<Row> events = EventDays.events(spark, target, from, to, COLUMNS);
    // Read once: counted, filtered for the changes, and recounted per day for ingest_days.
    // Each row with its new reason beside the stored one (the detector, shipped with each task, keeps its answers).
    Dataset<Row> judged = events.map((MapFunction<Row, Row>) r -> RowFactory.create(r.get(0), r.get(1), r.get(2),
        r.get(3), r.get(4), r.get(7), r.get(6), bots.reason(r.getString(5))), Encoders.row(JUDGED))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> changed = judged.filter(not(col("old_reason").eqNullSafe(col("bot_reason")))
        .or(not(col("old_bot").eqNullSafe(col("bot_reason").isNotNull()))));
    try {
      long total = judged.count();
      long flagged = 0;
      long cleared = 0;
      long moved = 0;
      Map<String, Long> byReason = new TreeMap<>();
      TreeSet<LocalDate> days = new TreeSet<>();
      // One small collect: per day, whether it was and is a bot, the new reason.
      for (Row r : changed.groupBy("day", "old_bot", "bot_reason").count().collectAsList()) {
        boolean was = !r.isNullAt(1) && r.getBoolean(1);
        boolean is = !r.isNullAt(2);
        long n = r.getLong(3);
        days.add(r.getDate(0).toLocalDate());
        flagged += !was && is ? n : 0;
        cleared += was && !is ? n : 0;
        moved += was && is ? n : 0;
        byReason.merge(is ? r.getString(2) : "human", n, Long::sum);
      }
      AggregateJob.Result aggregate = null;
      if (!dryRun && !days.isEmpty()) {
        CassandraWriter.overwrite(spark, changed.select(col("user_id"), col("day"), col("ts"), col("event_id"),
            col("bot_reason").isNotNull().as("bot"), col("bot_reason")), target, "events_by_user");
        recountIngestDays(store.cql(), judged, days);
        aggregate = AggregateJob.run(spark, store, days.first(), days.last(), SessionRules.of(site),
            io.trailcast.aggregate.experiments.ExperimentDefinitions.of(site));
      }
      return new Result(from, to, total, flagged, cleared, moved, byReason, List.copyOf(days), aggregate, dryRun);
    } finally {
      judged.unpersist();
    }
  }

  /**
   * {@code ingest_days.bot_events} of the changed days as the events now stand: written events per bot reason, per
   * day and source, on the rows ingest recorded (no row is made for a source that has none).
   */
  private static void recountIngestDays(CqlSession cql, Dataset<Row> judged, TreeSet<LocalDate> days) {
    Map<LocalDate, Map<String, Map<String, Long>>> counts = new HashMap<>();
    for (Row r : judged.filter(col("bot_reason").isNotNull().and(col("day").isin(days.stream().map(Date::valueOf)
        .toArray()))).groupBy("day", "source", "bot_reason").count().collectAsList()) {
      counts.computeIfAbsent(r.getDate(0).toLocalDate(), d -> new HashMap<>())
          .computeIfAbsent(r.getString(1), s -> new TreeMap<>()).put(r.getString(2), r.getLong(3));
    }
    PreparedStatement sources = cql.prepare("SELECT source FROM ingest_days WHERE day = ?");
    PreparedStatement update = cql.prepare("UPDATE ingest_days SET bot_events = ? WHERE day = ? AND source = ?");
    for (LocalDate day : days) {
      List<String> recorded = new ArrayList<>();
      cql.execute(sources.bind(day)).forEach(r -> recorded.add(r.getString(0)));
      for (String source : recorded) {
        cql.execute(update.bind(counts.getOrDefault(day, Map.of()).getOrDefault(source, Map.of()), day, source));
      }
    }
  }
}
