package io.trailcast.aggregate;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Sessions and bounce of a real Apache log (../shared/data, 10,000 lines of a personal site, May
 * 2015; skipped when absent) against a reference computation written apart from the
 * Sessionizer: a plain loop over each visitor's events, straight from DESIGN.md's rules.
 */
class RealLogSessionsIT {
  private static final Path LOG = Path.of(System.getProperty("trailcast.root", "."))
      .resolve("../shared/data/apache-combined-elastic/access.log");
  private static final long GAP = 30 * 60_000L;
  private static final long MAX_DURATION = 12 * 3_600_000L;
  private static final int MAX_EVENTS = 2_500;
  private static final int BURST_EVENTS = 100;
  private static final long BURST_WINDOW = 100_000L;

  /** What the reference keeps of a session. */
  record Reference(String user, long start, long end, int events, int pageviews, String landing, boolean bot) {
    String key() {
      return user + " " + start + " " + end + " " + events + " " + pageviews + " " + landing + " " + bot;
    }
  }

  @Test
  void sessionsAndBounceOfARealLogMatchAReferenceComputation() throws IOException {
    assumeTrue(Files.isRegularFile(LOG), "../shared/data is not beside this checkout");
    CassandraTarget target = TestCassandra.keyspaceFor(RealLogSessionsIT.class);
    SparkSession spark = TestSpark.connectedTo(target);
    IngestJob.run(spark, store(target), new IngestConfig(List.of(LOG.toString()), InputFormat.AUTO,
        SiteConfig.defaults(),
        "salt", null, null, false));
    AggregateJob.Result result = AggregateJob.run(spark, store(target), LocalDate.of(2015, 5, 16),
        LocalDate.of(2015, 5, 21), SessionRules.of(SiteConfig.defaults()));

    List<Row> events = CassandraTables.read(spark, target, "events_by_user")
        .select("user_id", "ts", "source", "line", "event_id", "url", "action", "interactive", "status",
            "campaign", "bot")
        .collectAsList();
    List<Reference> reference = reference(events);
    assertEquals(reference.size(), result.sessions());
    assertEquals(reference.stream().filter(Reference::bot).count(), result.botSessions());

    List<String> stored = new ArrayList<>();
    Map<String, long[]> storedPages = new TreeMap<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (com.datastax.oss.driver.api.core.cql.Row s : session.execute("SELECT user_id, session_start, "
          + "session_end, events, depth, landing_page, bot FROM sessions_by_user")) {
        stored.add(new Reference(s.getString(0), s.getInstant(1).toEpochMilli(), s.getInstant(2).toEpochMilli(),
            s.getInt(3), s.getInt(4), s.getString(5), s.getBoolean(6)).key());
      }
      for (com.datastax.oss.driver.api.core.cql.Row p : session.execute("SELECT day, landing_page, sessions, "
          + "bounces FROM page_metrics_by_day")) {
        if (p.getLong(2) > 0) {
          storedPages.put(p.getLocalDate(0) + " " + p.getString(1), new long[] {p.getLong(2), p.getLong(3)});
        }
      }
    }
    assertEquals(reference.stream().map(Reference::key).sorted().toList(), stored.stream().sorted().toList());

    Map<String, long[]> expectedPages = new TreeMap<>();
    for (Reference r : reference) {
      if (!r.bot() && r.pageviews() >= 1) {
        long[] page = expectedPages.computeIfAbsent(LocalDate.ofInstant(Instant.ofEpochMilli(r.start()),
            ZoneOffset.UTC) + " " + r.landing(), k -> new long[2]);
        page[0]++;
        page[1] += r.pageviews() == 1 ? 1 : 0;
      }
    }
    assertEquals(render(expectedPages), render(storedPages), "entries and bounces per landing page and day");
    long entries = expectedPages.values().stream().mapToLong(p -> p[0]).sum();
    assertTrue(entries > 500, "human sessions with a pageview: " + entries);

    assertEquals(linesPerDay(), storedLinesPerDay(target), "lines per day (bin/trailcast quality)");
  }

  /** Lines per day, counted from each line's own [dd/MMM/yyyy: stamp (every line of this log has one). */
  private static Map<LocalDate, Long> linesPerDay() throws IOException {
    Pattern stamp = Pattern.compile("\\[(\\d{2}/\\w{3}/\\d{4}):");
    DateTimeFormatter format = DateTimeFormatter.ofPattern("dd/MMM/yyyy",
        Locale.ROOT);
    Map<LocalDate, Long> perDay = new TreeMap<>();
    try (var lines = Files.lines(LOG, StandardCharsets.ISO_8859_1)) {
      lines.filter(l -> !l.isBlank()).forEach(line -> {
        Matcher m = stamp.matcher(line);
        assertTrue(m.find(), line);
        perDay.merge(LocalDate.parse(m.group(1), format), 1L, Long::sum);
      });
    }
    return perDay;
  }

  /** What ingest recorded per day (ingest_days): lines, and every one written, a duplicate or quarantined. */
  private static Map<LocalDate, Long> storedLinesPerDay(CassandraTarget target) {
    Map<LocalDate, Long> perDay = new TreeMap<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (com.datastax.oss.driver.api.core.cql.Row r : session.execute("SELECT day, lines, written, duplicates, "
          + "suppressed, quarantined FROM ingest_days")) {
        long quarantined = r.getMap(5, String.class, Long.class).values().stream().mapToLong(Long::longValue).sum();
        assertEquals(r.getLong(1), r.getLong(2) + r.getLong(3) + r.getLong(4) + quarantined,
            "lines of " + r.getLocalDate(0));
        perDay.merge(r.getLocalDate(0), r.getLong(1), Long::sum);
      }
    }
    return perDay;
  }

  /** DESIGN.md's session rules as a loop over each user's events in time (then log) order. */
  private static List<Reference> reference(List<Row> rows) {
    Map<String, List<Row>> byUser = rows.stream().collect(Collectors.groupingBy(r -> r.getString(0)));
    List<Reference> sessions = new ArrayList<>();
    for (List<Row> events : byUser.values()) {
      events.sort(Comparator.<Row>comparingLong(r -> r.getTimestamp(1).getTime())
          .thenComparing(r -> r.getString(2)).thenComparingLong(r -> r.getLong(3)).thenComparing(r -> r.getString(4)));
      List<Row> current = new ArrayList<>();
      String campaign = null;
      boolean interactiveSeen = false;
      for (Row e : events) {
        if (!current.isEmpty()) {
          Row first = current.get(0);
          Row previous = current.get(current.size() - 1);
          long ts = e.getTimestamp(1).getTime();
          long prevTs = previous.getTimestamp(1).getTime();
          boolean newCampaign = e.getString(9) != null && interactiveSeen && !e.getString(9).equals(campaign);
          if ("logout".equals(previous.getString(6)) || ts - prevTs > GAP || !utcDay(ts).equals(utcDay(prevTs))
              || newCampaign || ts - first.getTimestamp(1).getTime() >= MAX_DURATION || current.size() >= MAX_EVENTS) {
            sessions.add(summarise(current));
            current = new ArrayList<>();
            campaign = null;
            interactiveSeen = false;
          }
        }
        if (!interactiveSeen && e.getBoolean(7)) {
          interactiveSeen = true;
          campaign = e.getString(9);
        }
        current.add(e);
      }
      sessions.add(summarise(current));
    }
    return sessions;
  }

  private static Reference summarise(List<Row> events) {
    int pageviews = 0;
    String landing = null;
    boolean bot = false;
    ArrayDeque<Long> window = new ArrayDeque<>();
    for (Row e : events) {
      int status = e.getInt(8);
      boolean page = e.getBoolean(7) && (status >= 200 && status < 300 || status == 304)
          && List.of("pageview", "search", "click", "conversion").contains(e.getString(6));
      if (page) {
        pageviews++;
        landing = landing == null ? e.getString(5) : landing;
      }
      bot |= !e.isNullAt(10) && e.getBoolean(10);
      long ts = e.getTimestamp(1).getTime();
      window.addLast(ts);
      while (ts - window.peekFirst() > BURST_WINDOW) {
        window.pollFirst();
      }
      bot |= window.size() > BURST_EVENTS;
    }
    return new Reference(events.get(0).getString(0), events.get(0).getTimestamp(1).getTime(),
        events.get(events.size() - 1).getTimestamp(1).getTime(), events.size(), pageviews, landing, bot);
  }

  private static LocalDate utcDay(long ts) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(ts), ZoneOffset.UTC);
  }

  private static Map<String, String> render(Map<String, long[]> pages) {
    Map<String, String> text = new TreeMap<>();
    pages.forEach((k, v) -> text.put(k, v[0] + " " + v[1]));
    return text;
  }
}
