package io.trailcast.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CombinedLogParserTest {
  private static long utc(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void combinedLineWithOffsetIsStoredInUtc() {
    ParsedLine p = CombinedLogParser.parse("83.149.9.216 - jo@x.org [17/May/2015:10:05:03 +0200] "
        + "\"GET /presentations/logstash?q=a%20b HTTP/1.1\" 200 203023 \"http://semicomplete.com/\" "
        + "\"Mozilla/5.0 (X11)\"");
    assertEquals(new ParsedLine(utc("2015-05-17T08:05:03Z"), "83.149.9.216", "jo@x.org", "GET",
        "/presentations/logstash?q=a%20b", 200, 203023L, "http://semicomplete.com/", "Mozilla/5.0 (X11)", null, null,
        null, null, null, null), p);
  }

  @Test
  void commonLineHasNoReferrerNorAgent() {
    ParsedLine p = CombinedLogParser.parse("::1 - - [26/Dec/2016:16:16:28 -0700] \"GET / HTTP/1.1\" 200 -");
    assertEquals(utc("2016-12-26T23:16:28Z"), p.ts());
    assertEquals("::1", p.client());
    assertNull(p.bytes());
    assertNull(p.referrer());
    assertNull(p.userAgent(), "the format has no agent: unknown, not empty");
  }

  @Test
  void dashesAreAbsentAndAnEmptyAgentIsEmpty() {
    ParsedLine p = CombinedLogParser.parse("1.2.3.4 - - [02/Feb/2019:05:38:45 +0100] \"GET /a HTTP/1.0\" 200 1 "
        + "\"-\" \"-\" \"-\"");
    assertNull(p.login());
    assertNull(p.referrer());
    assertEquals("", p.userAgent());
  }

  @Test
  void vhostPrefixesAreTheHostNotTheClient() {
    ParsedLine port = CombinedLogParser.parse("localhost:80 192.168.0.1 - - [01/Jul/2013:06:20:38 -0500] "
        + "\"GET / HTTP/1.1\" 200 3829 \"-\" \"Firefox\"");
    assertEquals("localhost:80", port.vhost());
    assertEquals("192.168.0.1", port.client());
    ParsedLine name = CombinedLogParser.parse("vhost1.domaine.fr 123.123.123.123 - - [04/Jul/2019:09:20:46 +0200] "
        + "\"GET / HTTP/1.1\" 200 32953 \"-\" \"Chrome\"");
    assertEquals("vhost1.domaine.fr", name.vhost());
    assertEquals("123.123.123.123", name.client());
  }

  @Test
  void hostNameClientStandsAlone() {
    ParsedLine p = CombinedLogParser.parse("monitoring-server - - [29/May/2017:19:02:48 +0000] \"GET /status "
        + "HTTP/1.1\" "
        + "200 612 \"-\" \"Firefox\" \"-\"");
    assertNull(p.vhost());
    assertEquals("monitoring-server", p.client());
  }

  @Test
  void forwardedForChainsGiveTheFirstPublicAddress() {
    assertEquals("85.181.35.98", CombinedLogParser.parse("10.0.0.2, 10.0.0.1, 85.181.35.98 - - "
        + "[07/Dec/2016:11:05:07 +0100] \"GET /ocelot HTTP/1.1\" 200 571 \"-\" \"Firefox\"").client());
    assertEquals("199.96.1.1", CombinedLogParser.parse("\"10.5.102.222, 199.96.1.1, 204.246.1.1\" 10.2.1.185 - - "
        + "[22/Jan/2016:13:18:29 +0000] \"GET /assets/x?q=100 HTTP/1.1\" 200 25507 \"-\" \"Amazon "
        + "CloudFront\"").client());
    assertEquals("2a03:0000:10ff:f00f:0000:0000:0:8000", CombinedLogParser.parse(
        "2a03:0000:10ff:f00f:0000:0000:0:8000, 10.225.192.17 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "
        + "\"GET /test.html HTTP/1.1\" 404 8571 \"-\" "
        + "\"Facebot\"")
        .client());
    assertEquals("10.0.0.2", CombinedLogParser.parse("10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "
        + "\"GET /ocelot HTTP/1.1\" 200 571 \"-\" \"Firefox\"").client(), "all private: the first hop");
  }

  @Test
  void escapedQuotesStayInsideTheField() {
    ParsedLine p = CombinedLogParser.parse("1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 1 \"-\" "
        + "\"Mozilla \\\"quoted\\\" agent\"");
    assertEquals("Mozilla \"quoted\" agent", p.userAgent());
  }

  @Test
  void escapedBackslashesAndUnquotedTrailingFields() {
    ParsedLine backslash = CombinedLogParser.parse("1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 1 "
        + "\"http://x/dir\\\\\" \"UA\"");
    assertEquals("http://x/dir\\", backslash.referrer(), "Apache writes a trailing backslash as \\\\");
    assertEquals("UA", backslash.userAgent());
    ParsedLine timed = CombinedLogParser.parse("1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 1 "
        + "0.042 1234");
    assertNull(timed.rejectReason());
    assertNull(timed.userAgent(), "common format plus %D: no agent logged");
  }

  @Test
  void vhostMayBeAnAddressWithAPort() {
    ParsedLine p = CombinedLogParser.parse("10.0.0.5:443 81.2.69.143 - - [17/May/2015:10:05:03 +0000] "
        + "\"GET /a HTTP/1.1\" 200 1 \"-\" \"UA\"");
    assertEquals("10.0.0.5:443", p.vhost());
    assertEquals("81.2.69.143", p.client());
    assertEquals("cafe.de:80", CombinedLogParser.parse("cafe.de:80 81.2.69.143 - - [17/May/2015:10:05:03 +0000] "
        + "\"GET /a HTTP/1.1\" 200 1 \"-\" \"UA\"").vhost());
  }

  @Test
  void badLinesSayWhy() {
    assertEquals("truncated: unterminated user agent", CombinedLogParser.parse("1.2.3.4 - - "
        + "[17/May/2015:10:05:03 +0000] "
        + "\"GET /a HTTP/1.1\" 200 1 \"-\" \"Mozilla/5.0 (iPhone; CPU").rejectReason());
    assertEquals("truncated: unterminated request", CombinedLogParser.parse("1.2.3.4 - - [17/May/2015:10:05:03 +0000] "
        + "\"GET /ar").rejectReason());
    assertEquals("bad timestamp [31/Feb/2026:25:61:00 +0000]", CombinedLogParser.parse("1.2.3.4 - - "
        + "[31/Feb/2026:25:61:00 +0000] \"GET /a HTTP/1.1\" 200 1").rejectReason());
    assertEquals("no request: the server logged a connection without one (status 408)",
        CombinedLogParser.parse("::1 - - [26/Dec/2016:16:16:48 +0200] \"-\" 408 -").rejectReason());
    assertEquals("no request: the server logged a connection without one (status 400)",
        CombinedLogParser.parse("127.0.0.1 - - [12/Apr/2018:09:48:40 +0200] \"\" 400 0 \"-\" \"-\"").rejectReason());
    assertEquals("not an access log line: no [timestamp]", CombinedLogParser.parse("hello world").rejectReason());
    assertEquals("bad status 'abc'", CombinedLogParser.parse("1.2.3.4 - - [17/May/2015:10:05:03 +0000] "
        + "\"GET /a HTTP/1.1\" abc 1").rejectReason());
  }
}
