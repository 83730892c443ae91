package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Against the simulator's truth: every corrupt line is quarantined, every good line is an event
 * whose action and pageview flag match what the simulated request truly was.
 */
class SimulatedTrafficTest {
  /** Truth kind → action, "+page" when it shows a page (docs/definitions.md). */
  private static final Map<String, String> KIND_TO_ACTION = Map.of(
      "page", "pageview+page", "search", "search+page", "click", "click+page", "conversion", "conversion+page",
      "logout", "logout", "login", "pageview", "redirect", "pageview", "not_found", "pageview", "asset", "other");

  @TempDir
  Path tmp;

  @ParameterizedTest
  @EnumSource(LogFormat.class)
  void goodLinesBecomeEventsAndCorruptLinesQuarantine(LogFormat format) throws IOException {
    Simulator.Summary summary = new Simulator(new SimulationConfig(120, 2, LocalDate.of(2026, 3, 28), 11, format, 0.05,
        true, ZoneId.of("Europe/Paris"), tmp)).run();
    Map<String, String> expected = new HashMap<>();
    long crawlerLines = 0;
    try (BufferedReader truth = new BufferedReader(new InputStreamReader(
        InputFileRows.decompressed(Files.newInputStream(tmp.resolve("truth/events.csv"))), StandardCharsets.UTF_8))) {
      truth.readLine();
      for (String row = truth.readLine(); row != null; row = truth.readLine()) {
        String[] cols = row.split(",", -1);
        expected.put(cols[0] + ":" + cols[1], cols[8].isEmpty() ? KIND_TO_ACTION.get(cols[6])
            : "rejected");
        crawlerLines += cols[3].startsWith("bot-crawler") ? 1 : 0;
      }
    }
    EventBuilder builder = new EventBuilder(SiteConfig.defaults(), "salt");
    Map<String, String> actual = new HashMap<>();
    long bots = 0;
    for (Path log : summary.logs()) {
      String name = log.getFileName().toString();
      try (InputStream in = InputFileRows.decompressed(Files.newInputStream(log))) {
        LineReader lines = new LineReader(in, LineIngester.MAX_LINE_BYTES);
        LineIngester ingester = new LineIngester(name, InputFormat.AUTO, builder);
        long lineNo = 0;
        while (lines.next()) {
          Object outcome = ingester.accept(lines.bytes(), lines.overLong(), lines.totalBytes(), ++lineNo);
          if (outcome instanceof Event event) {
            actual.put(name + ":" + lineNo, event.action() + (event.isPageview() ? "+page" : ""));
            bots += event.bot() ? 1 : 0;
          } else if (outcome instanceof Rejected) {
            actual.put(name + ":" + lineNo, "rejected");
          }
        }
      }
    }
    assertEquals(expected, actual);
    assertEquals(summary.corruptLines(), actual.values().stream().filter("rejected"::equals).count());
    assertTrue(summary.corruptLines() > 0);
    // Crawlers are flagged by their agent; the headless browser only by behaviour, at session time.
    assertTrue(crawlerLines > 0);
    assertEquals(crawlerLines, bots);
  }
}
