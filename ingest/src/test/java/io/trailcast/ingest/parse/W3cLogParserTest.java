package io.trailcast.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class W3cLogParserTest {
  @Test
  void fieldsFollowTheLatestHeader() {
    W3cLogParser parser = new W3cLogParser();
    assertEquals("W3C data line before any #Fields directive", parser.parse("2018-01-01 08:09:10 x").rejectReason());
    parser.directive("#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status cs(User-Agent) cs-username");
    ParsedLine first = parser.parse("2018-01-01 08:09:10 81.2.69.143 GET /a q=100 200 Mozilla/5.0+(Windows+NT) -");
    assertEquals(new ParsedLine(Instant.parse("2018-01-01T08:09:10Z").toEpochMilli(), "81.2.69.143", null, "GET",
        "/a?q=100", 200, null, null, "Mozilla/5.0 (Windows NT)", null, null, null, null, null, null), first);

    parser.directive("#Fields: date time cs-method cs-uri-stem c-ip cs-host sc-status sc-bytes");
    ParsedLine second = parser.parse("2018-01-01 09:10:11 GET / 2001:cdba::3257:9652 example.com 404 123");
    assertEquals("2001:cdba::3257:9652", second.client());
    assertEquals("example.com", second.vhost());
    assertEquals(404, second.status());
    assertEquals(123L, second.bytes());
    assertNull(second.userAgent(), "no user agent field: unknown");
  }

  @Test
  void badRowsAreRejectedWithTheirReason() {
    W3cLogParser parser = new W3cLogParser();
    parser.directive("#Fields: date time c-ip cs-method cs-uri-stem sc-status");
    assertEquals("W3C line has 5 fields, #Fields declares 6", parser.parse("2018-01-01 08:09:10 1.2.3.4 GET /")
        .rejectReason());
    assertEquals("bad client address '[10.100.118.31](http://10.100.118.31)'",
        parser.parse("2018-08-28 18:24:25 [10.100.118.31](http://10.100.118.31) GET / 404").rejectReason());
    assertEquals("bad timestamp '2026-02-31 25:61:00'", parser.parse("2026-02-31 25:61:00 1.2.3.4 GET / 200")
        .rejectReason());
  }
}
