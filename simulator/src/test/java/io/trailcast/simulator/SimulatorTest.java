package io.trailcast.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailcast.core.testing.TruthCsv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's own invariants: determinism, and every truth row matching the log it describes. */
class SimulatorTest {
  private static final LocalDate START = LocalDate.of(2026, 3, 27);
  private static final int DAYS = 3;
  @TempDir
  Path tmp;

  private Simulator.Summary simulate(Path out, LogFormat format, double corrupt, boolean gzip, String zone) {
    return new Simulator(new SimulationConfig(150, DAYS, START, 7, format, corrupt, gzip,
        ZoneId.of(zone), out)).run();
  }

  @Test
  void sameSeedSameBytes() throws IOException {
    simulate(tmp.resolve("a"), LogFormat.COMBINED, 0.02, true, "UTC");
    simulate(tmp.resolve("b"), LogFormat.COMBINED, 0.02, true, "UTC");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(tmp.resolve("a"))) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    assertTrue(files.size() >= 9, files.toString());
    for (Path file : files) {
      Path twin = tmp.resolve("b").resolve(tmp.resolve("a").relativize(file));
      assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(twin), file.toString());
    }
  }

  @Test
  void truthEventsDescribeEveryLogLineAndSessionsAddUp() throws IOException {
    Path out = tmp.resolve("combined");
    Simulator.Summary summary = simulate(out, LogFormat.COMBINED, 0.03, false, "Europe/Paris");
    Map<String, List<byte[]>> logs = new HashMap<>();
    for (Path log : summary.logs()) {
      logs.put(log.getFileName().toString(), lines(log, false));
    }
    Map<String, String[]> devices = new HashMap<>();
    for (String[] row : TruthCsv.rows(out.resolve("truth/devices.csv"))) {
      devices.put(row[0], row);
    }
    Map<String, Integer> eventsPerSession = new HashMap<>();
    long corrupt = 0;
    long rows = 0;
    for (String[] row : TruthCsv.rows(out.resolve("truth/events.csv"))) {
      rows++;
      byte[] raw = logs.get(row[0]).get(Integer.parseInt(row[1]) - 1);
      if (!row[8].isEmpty()) {
        corrupt++;
        continue;
      }
      String line = new String(raw, StandardCharsets.UTF_8);
      String[] device = devices.get(row[4]);
      assertTrue(line.startsWith(device[2] + " - ") && line.endsWith("\"" + device[3] + "\""), line);
      assertEquals(device[1], row[3]);
      eventsPerSession.merge(row[5], 1, Integer::sum);
    }
    long logLines = logs.values().stream().mapToLong(List::size).sum();
    assertEquals(logLines, rows, "one truth row per log line");
    assertEquals(summary.lines(), logLines);
    assertEquals(summary.corruptLines(), corrupt);
    assertTrue(corrupt > 0.02 * logLines && corrupt < 0.04 * logLines, corrupt + " of " + logLines);

    List<String[]> sessions = TruthCsv.rows(out.resolve("truth/sessions.csv"));
    assertEquals(summary.sessions(), sessions.size());
    assertEquals(eventsPerSession.size(), sessions.size());
    for (String[] session : sessions) {
      assertEquals(eventsPerSession.get(session[0]), Integer.valueOf(session[10]), session[0]);
      int depth = Integer.parseInt(session[9]);
      assertEquals(depth == 1, Boolean.parseBoolean(session[12]), "bounced = exactly one pageview");
      assertTrue(Integer.parseInt(session[15]) <= Integer.parseInt(session[14]), "clicked searches <= searches");
    }
    assertTrue(summary.bayesAuc() > 0.6 && summary.bayesAuc() < 0.95, "AUC " + summary.bayesAuc());

    // Themed pageviews per person and day (articles and searches) add up to the person's totals.
    Map<String, Long> perPerson = new HashMap<>();
    for (String[] row : TruthCsv.rows(out.resolve("truth/theme_days.csv"))) {
      LocalDate day = LocalDate.parse(row[1]);
      assertTrue(!day.isBefore(START) && day.isBefore(START.plusDays(DAYS)), row[1]);
      perPerson.merge(row[0] + "/" + row[2], Long.parseLong(row[3]), Long::sum);
    }
    long themed = 0;
    for (String[] person : TruthCsv.rows(out.resolve("truth/persons.csv"))) {
      for (String entry : person[9].isEmpty() ? new String[0] : person[9].split(";")) {
        String[] themeCount = entry.split(":");
        assertEquals(Long.valueOf(themeCount[1]), perPerson.remove(person[0] + "/" + themeCount[0]), entry);
        themed += Long.parseLong(themeCount[1]);
      }
    }
    assertTrue(perPerson.isEmpty(), perPerson.toString());
    assertTrue(themed > 0);
  }

  @Test
  void w3cFilesCarryTheirFieldsHeaderAndChangeItAtNoon() throws IOException {
    Simulator.Summary summary = simulate(tmp.resolve("w3c"), LogFormat.W3C, 0, true, "UTC");
    List<byte[]> lines = lines(summary.logs().get(0), true);
    List<String> fieldsHeaders = new ArrayList<>();
    for (byte[] raw : lines) {
      String line = new String(raw, StandardCharsets.UTF_8);
      if (line.startsWith("#Fields: ")) {
        fieldsHeaders.add(line);
      } else if (!line.startsWith("#")) {
        List<String> fields = List.of(fieldsHeaders.get(fieldsHeaders.size() - 1).substring(9).split(" "));
        assertEquals(fields.size(), line.split(" ").length, line);
      }
    }
    assertEquals(List.of("#Fields: " + String.join(" ", LogFormat.W3C_FIELDS),
        "#Fields: " + String.join(" ", LogFormat.W3C_FIELDS_REORDERED)), fieldsHeaders);
  }

  @Test
  void jsonLinesHoldTheDocumentedFields() throws IOException {
    Simulator.Summary summary = simulate(tmp.resolve("json"), LogFormat.JSONL, 0, false, "America/New_York");
    ObjectMapper json = new ObjectMapper();
    for (byte[] raw : lines(summary.logs().get(1), false)) {
      JsonNode event = json.readTree(raw);
      assertTrue(event.get("ts").asText().endsWith("-04:00"), "New York is on summer time: " + event);
      assertTrue(event.get("url").asText().startsWith("https://www.trailmag.com/"));
      assertEquals(16, event.get("user").asText().length());
      assertTrue(event.get("status").isInt());
    }
  }

  private static List<byte[]> lines(Path file, boolean gzip) throws IOException {
    byte[] bytes;
    try (InputStream in = gzip ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
      bytes = in.readAllBytes();
    }
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(bytes, start, i));
        start = i + 1;
      }
    }
    return lines;
  }
}
