package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.testing.TestCassandra;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report and {@code quality} on four simulated days run through the commands (ingest, aggregate,
 * segments, model train): every figure of the report equals what {@code metrics}, {@code segments list},
 * {@code model show} and {@code quality} print; the page draws every chart in a real headless Chromium; the
 * notebooks run headless; the quality figures of the simulated days equal counts made here from their files
 * (those of a real log: {@code RealLogSessionsIT}).
 */
class ReportIT {
  private static final LocalDate START = LocalDate.of(2026, 3, 2);
  private static final LocalDate END = START.plusDays(3);
  private static final Path OUT = Path.of("target", "report-it").toAbsolutePath();
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path JUPYTER = Path.of("/usr/bin/jupyter");
  private static final Path NOTEBOOKS = Path.of(System.getProperty("trailcast.root", ".")).resolve("notebooks");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static CassandraTarget target;
  private static Path traffic;
  private static String salt;
  private static java.time.Instant fixtureStarted;
  private static Path report;
  private static JsonNode data;

  @BeforeAll
  static void simulatedDaysRunThroughTheCommands() throws IOException {
    fixtureStarted = java.time.Instant.now();
    target = TestCassandra.keyspaceFor(ReportIT.class);
    Files.createDirectories(OUT);
    traffic = Files.createTempDirectory(OUT, "traffic-");
    ok("simulate", "--persons", "200", "--days", "4", "--start", START.toString(), "--corrupt", "0.01", "--out",
        traffic.toString());
    // A cluster given with --cassandra refuses the public default salt.
    salt = Files.writeString(OUT.resolve("salt"), "report-it-salt").toString();
    ok(cluster("ingest", "--input", traffic.resolve("logs").toString(), "--salt-file", salt));
    // Themes before the aggregate, as the daily pipeline has them: Word2Vec on a corpus (the site's URLs as
    // sentences of words), the days' pages themed, then one aggregate with the themes in user_daily.
    Path corpus = OUT.resolve("corpus.txt");
    try (var urls = Files.lines(traffic.resolve("truth/urls.csv"))) {
      Files.write(corpus, urls.skip(1).map(line -> line.split(",")[0].replaceAll("[/\\-_.0-9]+", " ").strip())
          .toList());
    }
    ok(cluster("themes", "train", "--corpus", corpus.toString(), "--epochs", "3", "--out",
        OUT.resolve("word2vec").toString()));
    ok(cluster("themes", "assign", "--from", START.toString(), "--to", END.toString()));
    ok(cluster("aggregate", "--from", START.toString(), "--to", END.toString()));
    ok(cluster("identities", "--from", START.toString(), "--to", END.toString(), "--crm",
        traffic.resolve("crm.csv").toString(), "--salt-file", salt));
    ok(cluster("segments", "--date", END.toString()));
    ok(cluster("model", "train", "--from", START.toString(), "--to", END.toString(), "--family", "logistic",
        "--out", OUT.resolve("models").toString()));
    ok(cluster("model", "score", "--from", START.toString(), "--to", END.toString()));
    report = OUT.resolve("report.html");
    ok(cluster("report", "--from", START.toString(), "--to", END.toString(), "--out", report.toString()));
    Matcher json = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
        Pattern.DOTALL).matcher(Files.readString(report));
    assertTrue(json.find(), "the report embeds its figures");
    data = JSON.readTree(json.group(1));
  }

  @Test
  void everyFigureOfTheReportIsWhatTheCommandsPrint() throws IOException {
    JsonNode site = data.at("/sites/0");
    assertEquals(1, data.get("sites").size());
    JsonNode sessions = json(cluster("metrics", "sessions", "--from", START.toString(), "--to", END.toString(),
        "--format", "json"));
    assertEquals(4, sessions.size());
    for (int i = 0; i < sessions.size(); i++) {
      for (String column : MetricsTables.SESSIONS) {
        assertEquals(sessions.get(i).get(column), site.at("/days/" + i).get(column), "sessions " + i + " " + column);
      }
    }

    // Landing pages: the window's sums of the days' rows; depth: of every page's.
    Map<String, long[]> pages = new HashMap<>();
    long[] depth = new long[10];
    for (JsonNode row : json(cluster("metrics", "pages", "--from", START.toString(), "--to", END.toString(),
        "--format", "json"))) {
      long[] sums = pages.computeIfAbsent(row.get("landing_page").asText(), p -> new long[3]);
      sums[0] += row.get("sessions").asLong();
      sums[1] += row.get("bounces").asLong();
      sums[2] += row.get("engaged_sessions").asLong();
      for (int d = 0; d < 10; d++) {
        depth[d] += row.get("depth_counts").get(d).asLong();
      }
    }
    assertEquals(ReportData.TOP_PAGES, site.get("pages").size());
    long previous = Long.MAX_VALUE;
    for (JsonNode page : site.get("pages")) {
      long[] sums = pages.get(page.get("landing_page").asText());
      assertEquals(sums[0], page.get("sessions").asLong());
      assertEquals(sums[1], page.get("bounces").asLong());
      assertEquals((double) sums[1] / sums[0], page.get("bounce_rate").asDouble(), 1e-12);
      assertEquals(1 - (double) sums[2] / sums[0], page.get("engaged_bounce_rate").asDouble(), 1e-12);
      assertTrue(sums[0] <= previous, "by entries");
      previous = sums[0];
    }
    long fewest = previous;
    assertTrue(pages.values().stream().filter(p -> p[0] > fewest).count() < ReportData.TOP_PAGES,
        "no page left out has more entries than the last shown");
    for (int d = 0; d < 10; d++) {
      assertEquals(depth[d], site.at("/depth/" + d).asLong(), "depth " + (d + 1));
    }

    JsonNode search = json(cluster("metrics", "search", "--from", START.toString(), "--to", END.toString(),
        "--per-query", "--format", "json"));
    Map<String, Long> zeroClick = new TreeMap<>();
    List<JsonNode> totals = new ArrayList<>();
    for (JsonNode row : search) {
      if (row.get("query").asText().equals("*")) {
        totals.add(row);
      } else {
        zeroClick.merge(row.get("query").asText(), row.get("zero_click_searches").asLong(), Long::sum);
      }
    }
    assertEquals(totals.size(), site.get("search_days").size());
    for (int i = 0; i < totals.size(); i++) {
      assertEquals(totals.get(i).get("search_ctr"), site.at("/search_days/" + i).get("search_ctr"));
      assertEquals(totals.get(i).get("searches"), site.at("/search_days/" + i).get("searches"));
    }
    assertTrue(site.get("zero_click_queries").size() > 0);
    for (JsonNode query : site.get("zero_click_queries")) {
      assertEquals(zeroClick.get(query.get("query").asText()), query.get("zero_click_searches").asLong());
    }

    JsonNode segments = json(cluster("segments", "list", "--format", "json"));
    assertEquals(segments.size(), data.get("segments").size());
    for (int i = 0; i < segments.size(); i++) {
      assertEquals(segments.get(i).get("segment").asText(), data.at("/segments/" + i + "/segment").asText());
      assertEquals(segments.get(i).get("members").asLong(), data.at("/segments/" + i + "/members").asLong());
    }
    assertTrue(data.get("segments").findValues("members").stream().anyMatch(m -> m.asLong() > 0));
    assertTrue(data.get("themes").size() >= 5, "pageviews of most themes: " + data.get("themes"));

    JsonNode model = JSON.readTree(ok(cluster("model", "show", data.at("/model/version").asText(), "--format",
        "json")));
    for (String metric : List.of("roc_auc", "pr_auc", "log_loss", "accuracy", "n", "positives")) {
      assertEquals(model.get(metric).asDouble(), data.at("/model/metrics/" + metric).asDouble(), 1e-12, metric);
    }
    JsonNode curves = data.at("/model/curves");
    assertEquals(10, curves.get("lift").size(), "a lift per decile");
    assertEquals(List.of(1.0, 1.0), List.of(last(curves.get("roc")).get(0).asDouble(),
        last(curves.get("roc")).get(1).asDouble()), "the ROC curve ends at (1, 1)");
    long calibrated = 0;
    for (JsonNode bin : curves.get("calibration")) {
      calibrated += bin.get(1).asLong();
    }
    assertEquals(model.get("n").asLong(), calibrated, "every held-out trail in a calibration bin");
    JsonNode after = curves.get("afterActions");
    assertTrue(after.size() >= 3, "accuracy after the 1st, 2nd, 3rd action at least: " + after);
    for (int k = 0; k < after.size(); k++) {
      assertEquals(k + 1, after.get(k).get(0).asInt(), "rows by actions");
      assertTrue(k == 0 || after.get(k).get(1).asLong() <= after.get(k - 1).get(1).asLong(),
          "fewer sessions reach a later action");
    }

    JsonNode quality = json(cluster("quality", "--from", START.toString(), "--to", END.toString(), "--format",
        "json"));
    JsonNode panel = data.at("/quality/rows");
    assertEquals(quality.size(), panel.size());
    for (int i = 0; i < quality.size(); i++) {
      for (int c = 0; c < QualityTable.COLUMNS.size(); c++) {
        JsonNode expected = quality.get(i).get(QualityTable.COLUMNS.get(c));
        JsonNode shown = panel.get(i).get(c);
        assertEquals(expected.isTextual() ? expected.asText() : expected.toString(),
            shown.isTextual() ? shown.asText() : shown.toString(), "quality " + i + " " + QualityTable.COLUMNS.get(c));
      }
    }
  }

  /**
   * A log file per day: each day's lines read are its file's lines that hold data, its quarantined
   * lines the simulator's corrupt ones (no parseable time; counted under the day of their neighbours).
   */
  @Test
  void theQualityOfTheSimulatedDaysIsWhatTheirFilesHold() throws IOException {
    JsonNode quality = json(cluster("quality", "--from", START.toString(), "--to", END.toString(), "--format",
        "json"));
    assertEquals(4, quality.size());
    long quarantined = 0;
    long bots = 0;
    for (JsonNode day : quality) {
      Path file = traffic.resolve("logs/access-" + day.get("day").asText() + ".log");
      long lines;
      try (var read = Files.lines(file, StandardCharsets.ISO_8859_1)) {
        lines = read.filter(l -> !l.isBlank()).count();
      }
      assertEquals(lines, day.get("lines").asLong(), day.get("day").asText());
      assertEquals(day.get("lines").asLong(), day.get("written").asLong() + day.get("duplicates").asLong()
          + day.get("quarantined").asLong(), "every line of the day accounted for");
      assertEquals(day.get("sessions").asLong(), sum(day.get("end_reasons")), "every session has an end rule");
      // Ingested once, before the one aggregate: nothing arrived late, by either count (LateEventsIT: some did).
      assertEquals(0, day.get("late_events").asLong());
      assertEquals(0, day.get("late_arrivals").asLong());
      assertEquals("", day.get("late_delay_max_s").asText());
      assertEquals(day.get("bot_sessions").asLong(), sum(day.get("bot_sessions_by_rule")),
          "every bot session has the rule that made it one");
      // The day's events were read between the fixture's start and now: their delays lie in between.
      long dayStart = LocalDate.parse(day.get("day").asText()).toEpochSecond(java.time.LocalTime.MIN,
          java.time.ZoneOffset.UTC);
      long earliest = fixtureStarted.getEpochSecond() - (dayStart + 86_400);
      long latest = java.time.Instant.now().getEpochSecond() - dayStart;
      long previous = earliest;
      for (String delay : List.of("arrival_delay_p50_s", "arrival_delay_p90_s", "arrival_delay_p99_s",
          "arrival_delay_max_s")) {
        long seconds = day.get(delay).asLong();
        assertTrue(seconds >= previous && seconds <= latest, delay + " " + seconds + " in " + earliest + ".." + latest);
        previous = seconds;
      }
      quarantined += day.get("quarantined").asLong();
      bots += day.get("bot_events").asLong();
    }
    JsonNode summary = JSON.readTree(traffic.resolve("truth/summary.json").toFile());
    assertEquals(summary.get("corrupt_lines").asLong(), quarantined, "every corrupt line quarantined");
    assertTrue(bots > 0, "the simulator's bots, flagged by their user agents");
  }

  @Test
  void thePageDrawsEveryChartInARealBrowser() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed (apt-get install chromium; .ci/run does)");
    Path profile = Files.createTempDirectory(OUT, "chromium-");
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr",
        "--v=0", "--virtual-time-budget=10000"));
    Path screenshot = OUT.resolve("report.png");
    List<String> shoot = new ArrayList<>(command);
    shoot.addAll(List.of("--window-size=1200,5000", "--screenshot=" + screenshot, report.toUri().toString()));
    String log = browser(shoot, OUT.resolve("chromium-screenshot.log"));
    List<String> dump = new ArrayList<>(command);
    dump.addAll(List.of("--dump-dom", report.toUri().toString()));
    Path dom = OUT.resolve("report-dom.html");
    log += browser(dump, dom);
    assertTrue(Files.size(screenshot) > 10_000, "a screenshot kept with the test report: " + screenshot);
    assertTrue(log.lines().noneMatch(l -> l.contains(":CONSOLE(")), "no console message: " + log);
    String drawn = Files.readString(dom);
    assertTrue(drawn.contains("data-drawn=\"true\""), "the script ran to its end");
    Matcher chart = Pattern.compile("data-chart=\"([^\"]+)\"").matcher(drawn);
    List<String> charts = new ArrayList<>();
    while (chart.find()) {
      charts.add(chart.group(1));
      String rest = drawn.substring(chart.end());
      int next = rest.indexOf("data-chart=");
      String body = next < 0 ? rest : rest.substring(0, next);
      assertTrue(body.contains("<svg") && Pattern.compile("<path [^>]*d=\"M").matcher(body).find(),
          "chart drawn as SVG with shapes: " + chart.group(1));
    }
    assertEquals(12, charts.size(), "every chart: " + charts);
  }

  /** The analysts' notebooks, executed headless against this keyspace: any cell's error fails. */
  @Test
  void theNotebooksRunWithoutACellError() throws Exception {
    assumeTrue(Files.isExecutable(JUPYTER), "Jupyter is not installed (apt-get install jupyter-nbconvert "
        + "python3-nbclient python3-ipykernel python3-pandas python3-matplotlib python3-cassandra; .ci/run does)");
    Process modules = new ProcessBuilder("/usr/bin/python3", "-c", "import pandas, matplotlib, cassandra, ipykernel")
        .redirectErrorStream(true).start();
    String missing = new String(modules.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(modules.waitFor() == 0, "a Python package the notebooks need is missing: " + missing);
    List<String> command = new ArrayList<>(List.of(JUPYTER.toString(), "nbconvert", "--to", "notebook", "--execute",
        "--ExecutePreprocessor.timeout=120", "--output-dir", OUT.resolve("notebooks").toString()));
    List<Path> notebooks;
    try (var listed = Files.list(NOTEBOOKS)) {
      notebooks = listed.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertEquals(5, notebooks.size(), "the notebooks: " + notebooks);
    notebooks.forEach(n -> command.add(n.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(OUT.resolve("notebooks.log").toFile());
    builder.environment().put("TRAILCAST_CASSANDRA", target.hosts().get(0));
    builder.environment().put("TRAILCAST_KEYSPACE", target.keyspace());
    builder.environment().put("TRAILCAST_FROM", START.toString());
    builder.environment().put("TRAILCAST_TO", END.toString());
    Process run = builder.start();
    assertTrue(run.waitFor(5, TimeUnit.MINUTES), "the notebooks finished");
    assertEquals(0, run.exitValue(), "a notebook failed; executed copies and the log in " + OUT + ":\n"
        + Files.readString(OUT.resolve("notebooks.log")));
    for (Path notebook : notebooks) {
      JsonNode executed = JSON.readTree(OUT.resolve("notebooks").resolve(notebook.getFileName()).toFile());
      int images = 0;
      for (JsonNode cell : executed.get("cells")) {
        for (JsonNode output : cell.path("outputs")) {
          assertTrue(!output.path("output_type").asText().equals("error"), notebook + ": " + output);
          images += output.path("data").has("image/png") ? 1 : 0;
        }
      }
      assertTrue(images > 0, notebook + " draws a chart");
    }
  }

  private static String browser(List<String> command, Path stdout) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "Chromium finished");
    assertEquals(0, process.exitValue(), stderr);
    return stderr;
  }

  private static long sum(JsonNode counts) {
    long sum = 0;
    for (Iterator<JsonNode> it = counts.elements(); it.hasNext();) {
      sum += it.next().asLong();
    }
    return sum;
  }

  private static JsonNode last(JsonNode array) {
    return array.get(array.size() - 1);
  }

  /** The JSON lines a command prints (--format json), as one array. */
  private static JsonNode json(String... args) throws IOException {
    com.fasterxml.jackson.databind.node.ArrayNode rows = JSON.createArrayNode();
    for (String line : ok(args).split("\n")) {
      if (!line.isBlank()) {
        rows.add(JSON.readTree(line));
      }
    }
    return rows;
  }

  /** Runs a command line in this JVM; its standard output, after checking it succeeded. */
  private static String ok(String... args) {
    CommandRun.Output run = CommandRun.apart(args);
    assertEquals(0, run.code(), String.join(" ", args) + ":\n" + run.err());
    return run.out();
  }

  private static String[] cluster(String... args) {
    return CommandRun.against(target, args);
  }
}
