package io.trailcast.deploy;

import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.Store;
import io.trailcast.segments.SegmentDefinitions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast report --from D --to D --out FILE.html}: what analysts open, as one offline HTML file. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write one self-contained HTML file (charts drawn offline by Apache ECharts, their numbers in "
        + "tables) for a window of days: per site, sessions, bounce (classic and engaged) and conversion rate per "
        + "day, bounce of the top landing pages by entries, session depth, search CTR per day and the top "
        + "zero-click queries; the theme mix of pageviews; segment sizes; the newest conversion model's held-out "
        + "metrics, ROC curve, lift by decile and calibration; data quality per day. Its figures are those of "
        + "`metrics`, `segments list` and `model show`.")
public final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  DaysOptions days;

  @Mixin
  SegmentsCommand.Definitions definitions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The HTML file to write.")
  Path out;

  @Override
  public Integer call() {
    PrintWriter print = spec.commandLine().getOut();
    try (Store store = cluster.store()) {
      print.println(write(store, days.from(), days.to(), definitions.load().segments(), out));
    }
    return 0;
  }

  /** Writes the report of {@code from..to} to {@code file}; returns the line that says so. */
  static String write(Store store, LocalDate from, LocalDate to, List<SegmentDefinitions.Segment> segments,
      Path file) {
    Map<String, Object> quality = new LinkedHashMap<>();
    quality.put("columns", QualityTable.COLUMNS);
    quality.put("rows", QualityTable.read(store.cql(), from, to).stream()
        .map(row -> row.stream().map(v -> v instanceof LocalDate day ? day.toString() : v).toList())
        .toList());
    quality.put("charted", QualityTable.CHARTED);
    Map<String, Object> data = ReportData.read(store.cql(), store.keyspace(), from, to, segments, quality);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, ReportPage.render(data), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserException("cannot write the report to " + file + ": " + e.getMessage(), e);
    }
    return "report of " + from + ".." + to + " written to " + file.toAbsolutePath();
  }
}
