package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.enrich.themes.ThemeDefinitions;
import io.trailcast.segments.SegmentDefinitions;
import io.trailcast.segments.SegmentEvaluation;
import io.trailcast.segments.SegmentJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trailcast segments}: sustained-interest segments for analysts (docs/segments.md). */
@Command(name = "segments", mixinStandardHelpOptions = true,
    description = "Compute the members of every segment as of --date (segment_members, segments_by_person, "
        + "segment_history, segment_sizes) from the persons' themed pageviews; list, show and export them.",
    subcommands = {SegmentsCommand.ListSegments.class, SegmentsCommand.Show.class, SegmentsCommand.Members.class,
        SegmentsCommand.Evaluate.class})
public final class SegmentsCommand implements Callable<Integer> {
  /** A segment's newest size: what {@code segments list} prints and the report shows. */
  static final String LATEST_SIZE = "SELECT day, members FROM segment_sizes WHERE segment = ? LIMIT 1";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  Definitions definitions;

  @Option(names = "--date", paramLabel = "D",
      description = "Membership as of the end of this day (default: the newest aggregated day).")
  LocalDate date;

  @Override
  public Integer call() {
    SegmentDefinitions defined = definitions.load();
    try (Store store = cluster.store()) {
      LocalDate asOf = date == null ? newestAggregatedDay(store) : date;
      SegmentJob.Result result = SegmentJob.run(SparkSessions.create("segments", store.target()), store, defined,
          asOf);
      spec.commandLine().getOut().println(result.line());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** The newest day {@code aggregate} has run for: the default "as of" of membership. */
  static LocalDate newestAggregatedDay(Store store) {
    LocalDate newest = null;
    for (var r : store.cql().execute("SELECT day FROM aggregated_days")) {
      LocalDate day = r.getLocalDate("day");
      if (newest == null || day.isAfter(newest)) {
        newest = day;
      }
    }
    if (newest == null) {
      throw new UserException("no aggregated day in keyspace " + store.keyspace() + ": run `aggregate` first, "
          + "or give --date");
    }
    return newest;
  }

  /** The definitions file option, shared by the subcommands. */
  static final class Definitions {
    @Option(names = "--definitions", paramLabel = "FILE",
        description = "Segment definitions (YAML; default: one segment per theme, docs/segments.md).")
    Path file;

    @Option(names = "--themes", paramLabel = "FILE",
        description = "Theme definitions the segments name (default: the shipped themes).")
    Path themes;

    SegmentDefinitions load() {
      ThemeDefinitions known = themes == null ? ThemeDefinitions.defaults() : ThemeDefinitions.load(themes);
      Set<String> names = known.themes().stream().map(ThemeDefinitions.Theme::name).collect(Collectors.toSet());
      return file == null ? SegmentDefinitions.defaults(names) : SegmentDefinitions.load(file, names);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "The defined segments with their thresholds and latest size.")
  static final class ListSegments implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    Definitions definitions;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table, csv or json.")
    OutputFormat format;

    @Override
    public Integer call() {
      List<List<Object>> rows = new ArrayList<>();
      try (Store store = cluster.store()) {
        CqlSession cql = store.cql();
        for (SegmentDefinitions.Segment s : definitions.load().segments()) {
          var size = cql.execute(SimpleStatement.newInstance(LATEST_SIZE, s.name())).one();
          rows.add(List.of(s.name(), s.theme(), s.minShare(), s.minDays(), s.windowDays(), s.halfLifeDays(),
              String.join(" ", s.countries()), String.join(" ", s.plans()),
              s.minConversionScore() == null ? "" : s.minConversionScore(), size == null ? "" : size.getLocalDate(0),
              size == null ? "" : size.getLong(1)));
        }
      }
      RowPrinter.print(spec.commandLine().getOut(), format, List.of("segment", "theme", "min_share", "min_days",
          "window_days", "half_life_days", "countries", "plans", "min_conversion_score", "day", "members"), rows);
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One segment: its definition and its size per day (newest first).")
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    Definitions definitions;

    @Parameters(paramLabel = "NAME", description = "The segment, e.g. theme:music.")
    String name;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table, csv or json.")
    OutputFormat format;

    @Override
    public Integer call() {
      SegmentDefinitions.Segment s = definitions.load().named(name);
      PrintWriter out = spec.commandLine().getOut();
      if (format == OutputFormat.TABLE) {
        out.printf(Locale.ROOT, "%s: theme %s at least %.0f %% of themed pageviews (half-life %.1f days) on at least "
                + "%d of the last %d days%s%s%s%n", s.name(), s.theme(), 100 * s.minShare(), s.halfLifeDays(),
            s.minDays(), s.windowDays(), s.countries().isEmpty() ? "" : "; countries " + s.countries(),
            s.plans().isEmpty() ? "" : "; plans " + s.plans(),
            s.minConversionScore() == null ? "" : "; conversion score at least " + s.minConversionScore());
      }
      List<List<Object>> rows = new ArrayList<>();
      try (Store store = cluster.store()) {
        store.cql().execute(SimpleStatement.newInstance("SELECT day, members, joined, left_count FROM segment_sizes "
            + "WHERE segment = ?", s.name())).forEach(r -> rows.add(List.of(r.getLocalDate("day"),
            r.getLong("members"), r.getLong("joined"), r.getLong("left_count"))));
      }
      RowPrinter.print(out, format, List.of("day", "members", "joined", "left"), rows);
      return 0;
    }
  }

  @Command(name = "members", mixinStandardHelpOptions = true,
      description = "Who is in a segment: person, score, since, last qualified (--format csv for activation), with "
          + "the person's CRM id, country and plan.")
  static final class Members implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "NAME", description = "The segment, e.g. theme:music.")
    String name;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table, csv or json.")
    OutputFormat format;

    @Override
    public Integer call() {
      List<List<Object>> rows = new ArrayList<>();
      try (Store store = cluster.store()) {
        CqlSession cql = store.cql();
        for (int bucket = 0; bucket < SegmentJob.BUCKETS; bucket++) {
          for (var r : cql.execute(SimpleStatement.newInstance("SELECT person_id, score, since, last_qualified FROM "
              + "segment_members WHERE segment = ? AND bucket = ?", name, bucket))) {
            var profile = cql.execute(SimpleStatement.newInstance("SELECT crm_id, country, plan FROM person_profile "
                + "WHERE person_id = ?", r.getString(0))).one();
            rows.add(List.of(r.getString(0), r.getDouble(1), r.getLocalDate(2), r.getLocalDate(3),
                profile == null || profile.getString(0) == null ? "" : profile.getString(0),
                profile == null || profile.getString(1) == null ? "" : profile.getString(1),
                profile == null || profile.getString(2) == null ? "" : profile.getString(2)));
          }
        }
      }
      rows.sort((a, b) -> Double.compare((Double) b.get(1), (Double) a.get(1)));
      RowPrinter.print(spec.commandLine().getOut(), format, List.of("person_id", "score", "since", "last_qualified",
          "crm_id", "country", "plan"), rows);
      return 0;
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "On simulated traffic: precision and recall of the members as of --date (computed as "
          + "`segments` stores them, not written) against the same definitions applied to the simulator's true "
          + "pageviews, per segment and overall, and against its latent interests; persons as the identity graph "
          + "stands.")
  static final class Evaluate implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    Definitions definitions;

    @Option(names = "--truth", required = true, paramLabel = "DIR", description = "The simulator's --out folder.")
    Path truth;

    @Mixin
    SaltOption salt;

    @Option(names = "--date", paramLabel = "D",
        description = "Membership as of the end of this day (default: the newest aggregated day).")
    LocalDate date;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
        description = "table or json ({\"precision\": .., \"recall\": ..} overall, segments beside).")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
      SegmentEvaluation.Comparison comparison;
      LocalDate asOf;
      try (Store store = cluster.store()) {
        CassandraTarget target = store.target();
        asOf = date == null ? newestAggregatedDay(store) : date;
        comparison = SegmentEvaluation.compare(SparkSessions.create("segments evaluate", target), target, truth,
            salt.resolve(target), definitions.load(), asOf);
      }
      Map<String, SegmentEvaluation.Score> scores = comparison.segments();
      PrintWriter out = spec.commandLine().getOut();
      SegmentEvaluation.Score all = comparison.all();
      SegmentEvaluation.Score latent = comparison.latent();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("precision", all.precision());
        json.put("recall", all.recall());
        json.put("date", asOf.toString());
        Map<String, Object> segments = new LinkedHashMap<>();
        scores.forEach((name, s) -> {
          if (!name.equals("all")) {
            segments.put(name, Map.of("precision", s.precision(), "recall", s.recall(), "predicted", s.predicted(),
                "truth", s.truth(), "correct", s.correct()));
          }
        });
        json.put("segments", segments);
        json.put("latent_interests", Map.of("precision", latent.precision(), "recall", latent.recall(), "truth",
            latent.truth(), "correct", latent.correct()));
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        return 0;
      }
      List<List<Object>> rows = new ArrayList<>();
      scores.forEach((name, s) -> rows.add(List.of(name, s.predicted(), s.truth(), s.correct(),
          String.format(Locale.ROOT, "%.3f", s.precision()), String.format(Locale.ROOT, "%.3f", s.recall()))));
      out.printf(Locale.ROOT, "as of %s, true members: the definition applied to the simulator's true pageviews "
          + "(all devices of a person)%n", asOf);
      RowPrinter.print(out, OutputFormat.TABLE, List.of("segment", "members", "true", "correct", "precision",
          "recall"), rows);
      out.printf(Locale.ROOT, "against the simulator's latent interests (mean weight >= 0.30): precision %.3f, recall "
          + "%.3f (%,d of %,d)%n", latent.precision(), latent.recall(), latent.correct(), latent.truth());
      return 0;
    }
  }
}
