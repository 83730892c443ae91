package io.trailcast.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;

import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.ingest.SimulatedUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Segment members as of a date, computed as {@link SegmentJob} would store them, against the
 * simulator's truth (docs/simulator.md), counted in simulated persons: a simulated person is
 * predicted in a segment when any of its devices belongs to a member (trailcast persons are mapped
 * back through their user ids). It truly is when the same definition, applied by
 * {@link SustainedInterest} to its true article pageviews per day and theme (all its devices,
 * {@code truth/theme_days.csv}), makes it a member: what trailcast would find with perfect
 * identities and themes. Beside that, the simulator's latent interests ({@code
 * sustained_interests} of {@code truth/persons.csv}, active on at least the minimum days): a
 * share of a few dozen pageviews is a noisy estimate of a latent weight, so no threshold reaches
 * them exactly.
 */
public final class SegmentEvaluation {
  private SegmentEvaluation() {
  }

  /** Counts for one segment, or for all together. */
  public record Score(long predicted, long truth, long correct) {
    public double precision() {
      return predicted == 0 ? 1.0 : (double) correct / predicted;
    }

    public double recall() {
      return truth == 0 ? 1.0 : (double) correct / truth;
    }
  }

  /**
   * @param segments per theme segment (those without CRM or score filters), then "all" summed over
   *     them, against the definition applied to the true pageviews
   * @param latent all together, against the simulator's latent sustained interests
   */
  public record Comparison(Map<String, Score> segments, Score latent) {
    public Score all() {
      return segments.get("all");
    }
  }

  public static Comparison compare(SparkSession spark, CassandraTarget target, Path truthDir, String salt,
      SegmentDefinitions definitions, LocalDate date) {
    Path persons = truthDir.resolve("truth/persons.csv");
    Path themeDays = truthDir.resolve("truth/theme_days.csv");
    if (!Files.isRegularFile(persons) || !Files.isRegularFile(themeDays)) {
      throw new UserException("no simulator truth in " + truthDir + " (truth/persons.csv, truth/theme_days.csv; "
          + "a simulation older than theme_days.csv must be simulated again)");
    }
    List<SegmentDefinitions.Segment> plain = definitions.segments().stream()
        .filter(s -> s.countries().isEmpty() && s.plans().isEmpty() && s.minConversionScore() == null).toList();
    Set<String> names = plain.stream().map(SegmentDefinitions.Segment::name).collect(Collectors.toSet());
    SegmentJob.Qualified qualified = SegmentJob.members(spark, target, definitions, date);
    Dataset<Row> members = qualified.members().filter(col("segment").isin(names.toArray()))
        .select("segment", "person_id");
    Dataset<Row> devices = SimulatedUsers.of(spark, truthDir, salt).filter(not(col("bot")))
        .select(col("user_id"), col("person_id").as("true_person"));
    Dataset<Row> graph = CassandraTables.read(spark, target, "person_by_identifier").select(col("identifier")
        .as("user_id"), col("person_id"));
    // A member's user ids: those the graph gives it, and the member itself when it is a user id.
    Dataset<Row> memberUsers = members.join(graph, "person_id").select("segment", "user_id")
        .union(members.select(col("segment"), col("person_id").as("user_id")));
    Dataset<Row> predicted = memberUsers.join(devices, "user_id").select("segment", "true_person").distinct().cache();
    Dataset<Row> trueDaily = spark.read().option("header", "true").csv(themeDays.toString())
        .select(col("person_id"), col("day").cast(DataTypes.DateType).as("day"), col("theme"),
            col("pageviews").cast(DataTypes.LongType).as("n"))
        .groupBy("person_id", "day").agg(map_from_entries(collect_list(struct(col("theme"), col("n"))))
            .as("theme_pageviews"));
    Dataset<Row> truth = SustainedInterest.members(spark, trueDaily, plain, date)
        .select(col("segment"), col("person_id").as("true_person")).cache();
    List<Row> defined = new ArrayList<>();
    for (SegmentDefinitions.Segment s : plain) {
      defined.add(RowFactory.create(s.name(), s.theme(), s.minDays()));
    }
    Dataset<Row> latent = spark.read().option("header", "true").csv(persons.toString())
        .filter(col("kind").equalTo("human"))
        .select(col("person_id").as("true_person"), col("active_days").cast(DataTypes.IntegerType).as("active_days"),
            explode(split(col("sustained_interests"), ";")).as("theme"))
        .join(spark.createDataFrame(defined, new StructType().add("segment", DataTypes.StringType)
            .add("theme", DataTypes.StringType).add("min_days", DataTypes.IntegerType)), "theme")
        .filter(col("active_days").geq(col("min_days")))
        .select("segment", "true_person").distinct();
    Map<String, Score> out = new LinkedHashMap<>();
    long[] all = new long[3];
    for (SegmentDefinitions.Segment s : plain) {
      Dataset<Row> p = predicted.filter(col("segment").equalTo(lit(s.name())));
      Dataset<Row> t = truth.filter(col("segment").equalTo(lit(s.name())));
      Score score = new Score(p.count(), t.count(), p.join(t, new String[] {"segment", "true_person"}).count());
      out.put(s.name(), score);
      all[0] += score.predicted();
      all[1] += score.truth();
      all[2] += score.correct();
    }
    out.put("all", new Score(all[0], all[1], all[2]));
    Score againstLatent = new Score(all[0], latent.count(), predicted.join(latent, new String[] {"segment",
        "true_person"}).count());
    predicted.unpersist();
    truth.unpersist();
    qualified.release();
    return new Comparison(out, againstLatent);
  }
}
