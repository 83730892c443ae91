package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LineIngesterTest {
  private static final EventBuilder BUILDER = new EventBuilder(SiteConfig.defaults(), "salt");
  private static final Path SHARED = Path.of(System.getProperty("trailcast.root", ".")).resolve("../shared/data")
      .normalize();

  private static Object accept(LineIngester ingester, String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    return ingester.accept(bytes, false, bytes.length, 1);
  }

  @Test
  void bytesThatAreNoTextAreQuarantined() {
    LineIngester ingester = new LineIngester("f", InputFormat.COMBINED, BUILDER);
    Rejected utf16 = (Rejected) ingester.accept("1.2.3.4 - -".getBytes(StandardCharsets.UTF_16LE), false, 22, 3);
    assertEquals(new Rejected("f", 3, "binary data (control character 0x0)",
        "1\\x00.\\x002\\x00.\\x003\\x00.\\x004\\x00 \\x00-\\x00 \\x00-\\x00"), utf16);
    Rejected latin1 = (Rejected) ingester.accept(new byte[] {'c', 'a', 'f', (byte) 0xe9}, false, 4, 4);
    assertEquals(new Rejected("f", 4, "not valid UTF-8 text", "caf\\xe9"), latin1);
    Rejected huge = (Rejected) ingester.accept("x".repeat(100).getBytes(StandardCharsets.UTF_8), true, 200_000, 5);
    assertEquals("line longer than 16384 bytes (200000)", huge.reason());
    assertNull(accept(ingester, "   "), "a blank line holds no data");
  }

  @Test
  void aByteOrderMarkIsNoDataAndTimesOutOfRangeAreQuarantined() {
    LineIngester ingester = new LineIngester("f", InputFormat.AUTO, BUILDER);
    assertInstanceOf(Event.class, accept(ingester, "\uFEFF{\"ts\":1767607200000,\"user\":\"u\",\"url\":\"/a\"}"));
    assertEquals(InputFormat.JSONL, ingester.format());
    Rejected seconds = (Rejected) ingester.accept("{\"ts\":1767607200,\"user\":\"u\",\"url\":\"/a\"}"
        .getBytes(StandardCharsets.UTF_8), false, 10, 2);
    assertEquals("timestamp out of range (1990 to 2099): 1767607200 ms", seconds.reason());
    Rejected huge = (Rejected) ingester.accept("{\"ts\":99999999999999999999,\"user\":\"u\",\"url\":\"/a\"}"
        .getBytes(StandardCharsets.UTF_8), false, 10, 3);
    assertEquals("ts out of range: 99999999999999999999", huge.reason());
  }

  /**
   * A time more than the site's tolerance (1 hour by default) after the line is read is a mistake:
   * quarantined, so that it cannot move the stream's watermark ahead; a clock a little fast is not.
   */
  @Test
  void aTimeBeyondTheToleranceAfterTheLineIsReadIsQuarantined() {
    long readAt = java.time.Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
    LineIngester ingester = new LineIngester("f", InputFormat.JSONL, BUILDER, () -> readAt);
    long fastClock = readAt + 59 * 60_000;
    assertInstanceOf(Event.class, accept(ingester, "{\"ts\":" + fastClock + ",\"user\":\"u\",\"url\":\"/a\"}"));
    Rejected ahead = (Rejected) accept(ingester, "{\"ts\":" + (readAt + 61 * 60_000)
        + ",\"user\":\"u\",\"url\":\"/a\"}");
    assertEquals("timestamp in the future: 2026-01-05T11:01:00Z is more than 1h after the line was read",
        ahead.reason());
    Rejected year2099 = (Rejected) accept(new LineIngester("f", InputFormat.COMBINED, BUILDER, () -> readAt),
        "1.2.3.4 - - [31/Dec/2099:23:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"Mozilla/5.0\"");
    assertTrue(year2099.reason().startsWith("timestamp in the future: 2099-12-31T23:00:00Z"), year2099.reason());
    // The tolerance is the site's.
    SiteConfig strict = SiteConfig.load(writeSite("future_tolerance: 5m"));
    LineIngester strictIngester = new LineIngester("f", InputFormat.JSONL, new EventBuilder(strict, "salt"),
        () -> readAt);
    assertInstanceOf(Rejected.class, accept(strictIngester, "{\"ts\":" + (readAt + 6 * 60_000)
        + ",\"user\":\"u\",\"url\":\"/a\"}"));
  }

  private static Path writeSite(String extra) {
    try (InputStream in = SiteConfig.class.getResourceAsStream("default-site.yaml")) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("future_tolerance: 1h", extra);
      Path file = Files.createTempFile("site", ".yaml");
      Files.writeString(file, yaml);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aDamagedGzipFileIsQuarantinedNotFatal() {
    InputFileRows rows = new InputFileRows(new java.io.ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 1, 2}),
        "file:/x.gz", InputFormat.AUTO, BUILDER);
    org.apache.spark.sql.Row only = rows.next();
    assertEquals(1L, only.getLong(IngestRows.SCHEMA.fieldIndex("line")));
    assertTrue(only.getString(IngestRows.SCHEMA.fieldIndex("reject_reason"))
        .startsWith("file unreadable from this line on:"));
    org.apache.spark.sql.Row count = rows.next();
    assertEquals(1L, count.getLong(IngestRows.SCHEMA.fieldIndex("physical_lines")),
        "the unreadable rest counts as the one quarantined line");
    assertFalse(rows.hasNext());
  }

  @Test
  void aFileEndsWithTheCountOfItsLinesAsItsReaderSawThem() {
    byte[] file = String.join("\n", "#Version: 1.0", "#Fields: date time c-ip cs-method cs-uri-stem sc-status", "",
        "2026-01-05 10:00:00 203.0.113.9 GET /a 200", "   ", "not a line of this format",
        "2026-01-05 10:00:01 203.0.113.9 GET /b 200").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    InputFileRows rows = new InputFileRows(new java.io.ByteArrayInputStream(file), "f.log", InputFormat.AUTO,
        BUILDER);
    List<org.apache.spark.sql.Row> all = new java.util.ArrayList<>();
    rows.forEachRemaining(all::add);
    assertEquals(4, all.size(), "two events, one rejected line, the count");
    org.apache.spark.sql.Row count = all.get(3);
    assertEquals(7L, count.getLong(IngestRows.SCHEMA.fieldIndex("physical_lines")));
    assertEquals(4L, count.getLong(IngestRows.SCHEMA.fieldIndex("blank_lines")), "two directives, two blank");
    assertEquals(0L, count.getLong(IngestRows.SCHEMA.fieldIndex("line")));
  }

  @Test
  void formatIsDetectedFromTheFirstLine() {
    LineIngester w3c = new LineIngester("f", InputFormat.AUTO, BUILDER);
    assertNull(accept(w3c, "#Fields: date time c-ip cs-method cs-uri-stem sc-status"));
    assertEquals(InputFormat.W3C, w3c.format());
    assertInstanceOf(Event.class, accept(w3c, "2018-01-01 08:09:10 1.2.3.4 GET /a 200"));
    LineIngester json = new LineIngester("f", InputFormat.AUTO, BUILDER);
    assertInstanceOf(Event.class, accept(json, "{\"ts\":1767607200000,\"user\":\"u\",\"url\":\"/a\"}"));
    assertEquals(InputFormat.JSONL, json.format());
  }

  @Test
  void loadBalancerAndCaddyFilesAreDetectedAndTheSitesFormatStringIsRead() {
    LineIngester alb = new LineIngester("f", InputFormat.AUTO, BUILDER);
    assertInstanceOf(Event.class, accept(alb, "h2 2026-01-05T10:00:00.123456Z app/shop/1 203.0.113.12:46532 "
        + "10.0.0.66:80 0.000 0.048 0.000 200 200 34 366 \"GET https://shop.example.com:443/music HTTP/2.0\" "
        + "\"Mozilla/5.0 (X11)\" - - tg \"Root=1\""));
    assertEquals(InputFormat.ALB, alb.format());
    LineIngester caddy = new LineIngester("f", InputFormat.AUTO, BUILDER);
    assertInstanceOf(Rejected.class, accept(caddy, "{\"level\":\"info\",\"ts\":1767607200.1,\"logger\":"
        + "\"http.log.access\",\"msg\":\"handled request\"}"));
    assertEquals(InputFormat.CADDY, caddy.format());
    LineIngester elb = new LineIngester("f", InputFormat.AUTO, BUILDER);
    accept(elb, "2026-01-05T10:00:00.500000Z shop-elb 198.51.100.4:2817 10.0.0.1:80 0.0 0.0 0.0 200 200 0 29 "
        + "\"GET http://www.example.com:80/travel HTTP/1.1\" \"curl/7.38.0\" - -");
    assertEquals(InputFormat.ELB, elb.format());

    EventBuilder nginx = new EventBuilder(SiteConfig.defaults().withLogFormat("$remote_addr - $remote_user "
        + "[$time_local] \"$request\" $status $body_bytes_sent $request_time"), "salt");
    LineIngester own = new LineIngester("f", InputFormat.LOG_FORMAT, nginx);
    Event event = (Event) accept(own, "203.0.113.9 - - [05/Jan/2026:10:00:00 +0000] \"GET /music HTTP/1.1\" 200 "
        + "51 0.004");
    assertEquals("www.trailmag.com/music", event.url());
    assertEquals("does not match the log format", ((Rejected) accept(own, "203.0.113.9 - - "
        + "[05/Jan/2026:10:00:00 +0000] \"GET /music HTTP/1.1\" 200 51")).reason());
  }

  @Test
  void sameLineSameEventIdAndJsonIdsComeFromItsFields() {
    LineIngester ingester = new LineIngester("f", InputFormat.AUTO, BUILDER);
    String line = "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 1 \"-\" \"UA\"";
    Event a = (Event) accept(ingester, line);
    Event b = (Event) accept(ingester, line);
    assertEquals(Hashing.of(line.getBytes(StandardCharsets.UTF_8)), a.eventId());
    assertEquals(a.eventId(), b.eventId());
    LineIngester json = new LineIngester("f", InputFormat.JSONL, BUILDER);
    Event first = (Event) accept(json, "{\"ts\":1767607200000,\"user\":\"u\",\"url\":\"/a\",\"ip\":\"1.1.1.1\"}");
    Event reordered = (Event) accept(json, "{\"url\":\"/a\",\"user\":\"u\",\"ts\":1767607200000,\"ip\":\"1.1.1.1\"}");
    assertEquals(first.eventId(), reordered.eventId(), "the same event written another way is the same event");
  }

  /** Every fixture line: an event, or quarantined with the reason below (line number → reason). */
  @Test
  void everySharedParserFixtureParsesOrIsQuarantinedForAReason() throws IOException {
    Path fixtures = SHARED.resolve("parser-fixtures");
    assumeTrue(Files.isDirectory(fixtures), "../shared/data is not beside this checkout");
    String noRequest408 = "no request: the server logged a connection without one (status 408)";
    assertOutcomes(fixtures.resolve("apache_darwin-2.4.23.log"), 5, Map.of(3L, noRequest408));
    assertOutcomes(fixtures.resolve("apache_test.log"), 5, Map.of(3L, noRequest408, 6L, noRequest408));
    assertOutcomes(fixtures.resolve("goaccess_vcombined.log"), 3, Map.of(3L, noRequest408));
    assertOutcomes(fixtures.resolve("iis_access-full.log"), 1, Map.of());
    assertOutcomes(fixtures.resolve("iis_test-iis-7.5.log"), 3,
        Map.of(5L, "bad client address '[[ip]](http://[ip])'"), "the reason is masked as the line is");
    // Its last two rows have 15 fields under a 22-field header: which field is which is unknown.
    String wrongWidth = "W3C line has 15 fields, #Fields declares 22";
    assertOutcomes(fixtures.resolve("iis_test.log"), 3, Map.of(16L, wrongWidth, 17L, wrongWidth));
    assertOutcomes(fixtures.resolve("nginx_access.log"), 13, Map.of());
    assertOutcomes(fixtures.resolve("nginx_test.log"), 6,
        Map.of(7L, "no request: the server logged a connection without one (status 400)"));
  }

  @Test
  void realApacheLogKeepsAllButItsTruncatedLine() throws IOException {
    Path log = SHARED.resolve("apache-combined-elastic/access.log");
    assumeTrue(Files.isRegularFile(log), "../shared/data is not beside this checkout");
    assertOutcomes(log, 9_999, Map.of(8_899L, "truncated: unterminated user agent"));
  }

  private static void assertOutcomes(Path file, int events, Map<Long, String> rejected) throws IOException {
    assertOutcomes(file, events, rejected, "");
  }

  private static void assertOutcomes(Path file, int events, Map<Long, String> rejected, String why)
      throws IOException {
    Map<Long, String> reasons = new TreeMap<>();
    int count = 0;
    try (InputStream in = Files.newInputStream(file)) {
      LineReader lines = new LineReader(in, LineIngester.MAX_LINE_BYTES);
      LineIngester ingester = new LineIngester(file.getFileName().toString(), InputFormat.AUTO, BUILDER);
      long lineNo = 0;
      while (lines.next()) {
        Object outcome = ingester.accept(lines.bytes(), lines.overLong(), lines.totalBytes(), ++lineNo);
        if (outcome instanceof Event) {
          count++;
        } else if (outcome instanceof Rejected r) {
          reasons.put(r.line(), r.reason());
        }
      }
    }
    assertEquals(new TreeMap<>(rejected), reasons, file.getFileName().toString() + " " + why);
    assertEquals(events, count, file.getFileName().toString());
  }
}
