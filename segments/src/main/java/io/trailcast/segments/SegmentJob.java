package io.trailcast.segments;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.core.spark.ShufflePartitions;
import io.trailcast.ingest.EventDays;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code segments}: the members of every defined segment as of a date. Reads the themed pageviews
 * of the persons active in the longest window ({@code user_daily} by key, user ids merged into
 * persons through {@code person_by_identifier}), applies {@link SustainedInterest}, then the CRM
 * filters ({@code person_profile}) and the minimum conversion score (the person's newest score
 * up to the date). Writes {@code segment_members} and {@code segments_by_person} (a member since
 * an earlier run that still qualifies keeps its {@code since}; one who left is deleted),
 * {@code segment_history} (joins and leaves) and {@code segment_sizes}.
 */
public final class SegmentJob {
  /** Buckets of segment_members partitions (pmod(hash(person_id), 16), Spark's Murmur3). */
  public static final int BUCKETS = 16;
  private static final StructType FILTERS = new StructType()
      .add("segment", DataTypes.StringType, false)
      .add("countries", DataTypes.createArrayType(DataTypes.StringType), false)
      .add("plans", DataTypes.createArrayType(DataTypes.StringType), false)
      .add("min_score", DataTypes.DoubleType, true);

  private SegmentJob() {
  }

  /** Per segment: members as of the date, joined and left since the previous run. */
  public record Size(long members, long joined, long left) {
  }

  public record Result(LocalDate date, Map<String, Size> sizes) {
    public String line() {
      StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "segments as of %s:", date));
      sizes.forEach((name, s) -> out.append(String.format(Locale.ROOT, " %s %,d (+%,d −%,d);", name, s.members(),
          s.joined(), s.left())));
      return out.substring(0, out.length() - 1);
    }
  }

  public static Result run(SparkSession spark, Store store, SegmentDefinitions definitions, LocalDate date) {
    CassandraTarget target = store.target();
    LocalDate first = date.minusDays(definitions.longestWindow() - 1L);
    return JobRuns.record(store, "segments", List.of(), first, date,
        (session, run) -> ShufflePartitions.with(spark, EventDays.shufflePartitions(spark, session, first, date),
            () -> compute(spark, target, definitions, first, date)), result -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          result.sizes().forEach((name, s) -> counts.put(name, s.members()));
          return counts;
        });
  }

  private static Result compute(SparkSession spark, CassandraTarget target, SegmentDefinitions definitions,
      LocalDate first, LocalDate date) {
    Qualified qualified = qualify(spark, target, definitions, first, date);
    Dataset<Row> members = qualified.members().withColumn("bucket", expr("pmod(hash(person_id), " + BUCKETS + ")"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return write(spark, target, definitions, members, date);
    } finally {
      members.unpersist();
      qualified.release();
    }
  }

  /**
   * The members of every segment as of {@code date}, computed and not written: (segment,
   * person_id, score, days), what {@link #run} stores, for an evaluation of another day. Call
   * {@link Qualified#release} when done with them.
   */
  static Qualified members(SparkSession spark, CassandraTarget target, SegmentDefinitions definitions,
      LocalDate date) {
    LocalDate first = date.minusDays(definitions.longestWindow() - 1L);
    return qualify(spark, target, definitions, first, date);
  }

  /** Members before buckets, and the (user_id, person_id) of the window they were computed over (cached). */
  record Qualified(Dataset<Row> members, Dataset<Row> userPerson) {
    void release() {
      userPerson.unpersist();
    }
  }

  private static Qualified qualify(SparkSession spark, CassandraTarget target, SegmentDefinitions definitions,
      LocalDate first, LocalDate date) {
    Dataset<Row> users = EventDays.partitions(spark, target, first, date).select("user_id").distinct();
    Dataset<Row> known = CassandraTables.lookup(spark, users.select(col("user_id").as("identifier")), target,
        "person_by_identifier", "identifier", "person_id");
    Dataset<Row> userPerson = users.join(known, users.col("user_id").equalTo(known.col("identifier")), "left")
        .select(col("user_id"), coalesce(col("person_id"), col("user_id")).as("person_id"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> months = months(spark, first, date);
    Dataset<Row> daily = CassandraTables.lookup(spark, userPerson.select("user_id").crossJoin(months), target,
            "user_daily", "user_id", "day", "theme_pageviews")
        .filter(col("day").between(Date.valueOf(first), Date.valueOf(date)))
        .join(userPerson, "user_id")
        .select(col("person_id"), col("day"), explode(col("theme_pageviews")).as(new String[] {"theme", "n"}))
        .groupBy("person_id", "day", "theme").agg(sum("n").as("n"))
        .groupBy("person_id", "day").agg(map_from_entries(collect_list(struct(col("theme"), col("n"))))
            .as("theme_pageviews"));
    return new Qualified(filtered(spark, target, SustainedInterest.members(spark, daily, definitions.segments(),
        date), definitions, userPerson, months, date), userPerson);
  }

  /** The CRM filters and the minimum conversion score of each segment, on its raw members. */
  private static Dataset<Row> filtered(SparkSession spark, CassandraTarget target, Dataset<Row> members,
      SegmentDefinitions definitions, Dataset<Row> userPerson, Dataset<Row> months, LocalDate date) {
    boolean crm = definitions.segments().stream().anyMatch(s -> !s.countries().isEmpty() || !s.plans().isEmpty());
    boolean scored = definitions.segments().stream().anyMatch(s -> s.minConversionScore() != null);
    if (!crm && !scored) {
      return members;
    }
    List<Row> rows = new ArrayList<>();
    for (SegmentDefinitions.Segment s : definitions.segments()) {
      rows.add(RowFactory.create(s.name(), s.countries().toArray(new String[0]), s.plans().toArray(new String[0]),
          s.minConversionScore()));
    }
    Dataset<Row> out = members.join(spark.createDataFrame(rows, FILTERS), "segment");
    Dataset<Row> persons = members.select("person_id").distinct();
    if (crm) {
      out = out.join(CassandraTables.lookup(spark, persons, target, "person_profile", "person_id", "country", "plan"),
          new String[] {"person_id"}, "left")
          .filter(size(col("countries")).equalTo(0).or(coalesce(array_contains(col("countries"),
              expr("upper(country)")), lit(false))))
          .filter(size(col("plans")).equalTo(0).or(coalesce(array_contains(col("plans"), col("plan")), lit(false))));
    }
    if (scored) {
      Timestamp end = Timestamp.from(date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
      Dataset<Row> theirUsers = userPerson.join(persons, "person_id");
      Dataset<Row> scores = CassandraTables.lookup(spark, theirUsers.select("user_id").crossJoin(months), target,
              "conversion_scores", "user_id", "scored_at", "score")
          .filter(col("scored_at").lt(lit(end)))
          .join(theirUsers, "user_id")
          .groupBy("person_id").agg(max_by(col("score"), col("scored_at")).as("conversion_score"));
      out = out.join(scores, new String[] {"person_id"}, "left")
          .filter(col("min_score").isNull().or(coalesce(col("conversion_score"), lit(-1.0)).geq(col("min_score"))));
    }
    return out.select("segment", "person_id", "score", "days");
  }

  private static Result write(SparkSession spark, CassandraTarget target, SegmentDefinitions definitions,
      Dataset<Row> members, LocalDate date) {
    List<Row> keys = new ArrayList<>();
    for (SegmentDefinitions.Segment s : definitions.segments()) {
      for (int b = 0; b < BUCKETS; b++) {
        keys.add(RowFactory.create(s.name(), b));
      }
    }
    Dataset<Row> previous = CassandraTables.lookup(spark, spark.createDataFrame(keys, new StructType()
            .add("segment", DataTypes.StringType).add("bucket", DataTypes.IntegerType)), target, "segment_members",
        "segment", "bucket", "person_id", "since", "last_qualified")
        .select(col("segment"), col("bucket"), col("person_id"), col("since").as("previous_since"),
            col("last_qualified").as("previous_last"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Date day = Date.valueOf(date);
    // Still a member from the day before (or a rerun of the same day): the membership goes on.
    Dataset<Row> current = members.join(previous.drop("bucket"), new String[] {"segment", "person_id"}, "left")
        .withColumn("continues", col("previous_last").geq(lit(Date.valueOf(date.minusDays(1))))
            .and(col("previous_since").leq(lit(day))))
        .withColumn("since", when(col("continues"), col("previous_since")).otherwise(lit(day)))
        .withColumn("last_qualified", lit(day))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> left = previous.join(members.select("segment", "person_id"), new String[] {"segment", "person_id"},
        "left_anti").persist(StorageLevel.MEMORY_AND_DISK());
    try {
      CassandraWriter.write(spark, current.select("segment", "bucket", "person_id", "score", "since",
          "last_qualified"), target, "segment_members");
      CassandraWriter.write(spark, current.select("person_id", "segment", "score", "since", "last_qualified"), target,
          "segments_by_person");
      CassandraWriter.write(spark, current.filter(col("since").equalTo(lit(day))).select(col("person_id"),
          col("segment"), col("since"), lit(null).cast(DataTypes.DateType).as("until")), target, "segment_history");
      CassandraWriter.write(spark, left.select(col("person_id"), col("segment"), col("previous_since").as("since"),
          col("previous_last").as("until")), target, "segment_history");
      CassandraWriter.delete(spark, left.select("segment", "bucket", "person_id"), target, "segment_members");
      CassandraWriter.delete(spark, left.select("person_id", "segment"), target, "segments_by_person");

      Map<String, Size> sizes = new LinkedHashMap<>();
      Map<String, long[]> counts = new LinkedHashMap<>();
      definitions.segments().forEach(s -> counts.put(s.name(), new long[3]));
      for (Row r : current.groupBy("segment").agg(count("*"), sum(when(col("since").equalTo(lit(day)), 1)
          .otherwise(0))).collectAsList()) {
        counts.get(r.getString(0))[0] = r.getLong(1);
        counts.get(r.getString(0))[1] = r.getLong(2);
      }
      for (Row r : left.groupBy("segment").count().collectAsList()) {
        counts.get(r.getString(0))[2] = r.getLong(1);
      }
      List<Row> sizeRows = new ArrayList<>();
      counts.forEach((name, c) -> {
        sizes.put(name, new Size(c[0], c[1], c[2]));
        sizeRows.add(RowFactory.create(name, day, c[0], c[1], c[2]));
      });
      CassandraWriter.write(spark, spark.createDataFrame(sizeRows, new StructType()
          .add("segment", DataTypes.StringType).add("day", DataTypes.DateType).add("members", DataTypes.LongType)
          .add("joined", DataTypes.LongType).add("left_count", DataTypes.LongType)), target, "segment_sizes");
      return new Result(date, sizes);
    } finally {
      left.unpersist();
      current.unpersist();
      previous.unpersist();
    }
  }

  /** (month) of every month from {@code first} to {@code last}, as user_daily names them. */
  static Dataset<Row> months(SparkSession spark, LocalDate first, LocalDate last) {
    List<Row> rows = new ArrayList<>();
    for (YearMonth m = YearMonth.from(first); !m.isAfter(YearMonth.from(last)); m = m.plusMonths(1)) {
      rows.add(RowFactory.create(m.toString()));
    }
    return spark.createDataFrame(rows, new StructType().add("month", DataTypes.StringType));
  }
}
