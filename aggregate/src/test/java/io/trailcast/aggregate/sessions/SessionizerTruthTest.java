package io.trailcast.aggregate.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.ingest.Event;
import io.trailcast.ingest.EventBuilder;
import io.trailcast.ingest.Hashing;
import io.trailcast.ingest.InputFileRows;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.LineIngester;
import io.trailcast.ingest.LineReader;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.core.testing.TruthCsv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sessionizer against the simulator's independent truth: raw logs through ingest's line code,
 * sessions cut per user, compared session by session with truth/sessions.csv.
 */
class SessionizerTruthTest {
  private static final String SALT = "salt";

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"UTC", "Europe/Paris"})
  void sessionsMatchTheTruth(String zoneId) throws IOException {
    ZoneId zone = ZoneId.of(zoneId);
    LocalDate start = LocalDate.of(2026, 3, 27);
    Simulator.Summary summary = new Simulator(new SimulationConfig(300, 4, start, 17, LogFormat.COMBINED, 0.01,
        false, zone, tmp)).run();
    long endOfData = start.plusDays(4).atStartOfDay(zone).toInstant().toEpochMilli();

    Map<String, String> deviceOfUser = new HashMap<>();
    for (String[] device : TruthCsv.rows(tmp.resolve("truth/devices.csv"))) {
      deviceOfUser.put("h:" + Hashing.salted(SALT, device[2] + "\u0001" + device[3]), device[0]);
    }
    Map<String, List<SessionEvent>> byUser = new TreeMap<>();
    EventBuilder builder = new EventBuilder(site(zone), SALT);
    for (Path log : summary.logs()) {
      try (InputStream in = InputFileRows.decompressed(Files.newInputStream(log))) {
        LineReader lines = new LineReader(in, LineIngester.MAX_LINE_BYTES);
        LineIngester ingester = new LineIngester(log.toString(), InputFormat.AUTO, builder);
        long lineNo = 0;
        while (lines.next()) {
          if (ingester.accept(lines.bytes(), lines.overLong(), lines.totalBytes(), ++lineNo) instanceof Event e) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(new SessionEvent(e.ts(),
                SessionEvent.position(e.source(), e.line()), e.eventId(),
                e.url(), e.action(), e.interactive(), e.isPageview(), e.campaign(), e.searchQuery(), e.bot(),
                e.referrer()));
          }
        }
      }
    }
    Map<String, String> actual = new TreeMap<>();
    byUser.forEach((user, events) -> {
      events.sort(SessionEvent.ORDER);
      Sessionizer sessionizer = new Sessionizer(SessionRules.defaults(zone), user, "s");
      List<Session> sessions = new ArrayList<>();
      for (SessionEvent event : events) {
        Session closed = sessionizer.accept(event);
        if (closed != null) {
          sessions.add(closed);
        }
      }
      sessions.add(sessionizer.finish(endOfData));
      for (Session s : sessions) {
        actual.put(deviceOfUser.get(user) + "@" + Instant.ofEpochMilli(s.start()), describe(s.end(), s.endReason(),
            s.landingPage(), s.exitPage(), s.depth(), s.events(), s.bounced(), s.engaged(), s.searches(),
            s.searchesWithClick(), s.clicks(), s.converted(), s.bot(), s.campaign(), s.channel()));
      }
    });
    Map<String, String> expected = new TreeMap<>();
    for (String[] t : TruthCsv.rows(tmp.resolve("truth/sessions.csv"))) {
      expected.put(t[2] + "@" + t[4], describe(Instant.parse(t[5]).toEpochMilli(), t[6], empty(t[7]), empty(t[8]),
          Integer.parseInt(t[9]), Integer.parseInt(t[10]), Boolean.parseBoolean(t[12]), Boolean.parseBoolean(t[13]),
          Integer.parseInt(t[14]), Integer.parseInt(t[15]), Integer.parseInt(t[16]), Boolean.parseBoolean(t[17]),
          Boolean.parseBoolean(t[19]), empty(t[20]), t[21]));
    }
    assertTrue(expected.size() > 500, "sessions: " + expected.size());
    List<String> differences = new ArrayList<>();
    expected.forEach((key, truth) -> {
      if (!truth.equals(actual.get(key))) {
        differences.add(key + " truth " + truth + " got " + actual.get(key));
      }
    });
    actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> differences.add(k + " not in truth"));
    assertEquals(List.of(), differences.subList(0, Math.min(5, differences.size())), differences.size() + " differ");
  }

  private static SiteConfig site(ZoneId zone) throws IOException {
    Path file = Files.createTempFile("site", ".yaml");
    String yaml = new String(SiteConfig.class.getResourceAsStream("default-site.yaml").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8).replace("timezone: UTC", "timezone: " + zone.getId());
    Files.writeString(file, yaml);
    return SiteConfig.load(file);
  }

  private static String describe(Object... values) {
    return java.util.Arrays.toString(values);
  }

  private static String empty(String value) {
    return value.isEmpty() ? null : value;
  }
}
