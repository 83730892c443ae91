package io.trailcast.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trailcast.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's own format string, Apache and nginx syntax, read by the httpdlog parser; lines written here. */
class FormatStringParserTest {
  private static final Path SHARED = Path.of(System.getProperty("trailcast.root", ".")).resolve("../shared/data")
      .normalize();

  private static long ms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void anApacheFormatWithTheVirtualHostAndMicrosecondsGivesEveryField() {
    FormatStringParser parser = FormatStringParser.of(
        "%v %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D");
    assertFalse(parser.fastPath());
    assertEquals(new ParsedLine(ms("2026-01-05T09:00:00Z"), "203.0.113.7", "alice", "GET", "/music/jazz?x=1", 200,
        5120L, "https://www.google.com/", "Mozilla/5.0 (X11; Linux x86_64)", "shop.example.com", null, null, null,
        null, null), parser.parse("shop.example.com 203.0.113.7 - alice [05/Jan/2026:10:00:00 +0100] "
        + "\"GET /music/jazz?x=1 HTTP/1.1\" 200 5120 \"https://www.google.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\" "
        + "1532"));
  }

  @Test
  void anNginxFormatWithForwardedForAndUpstreamTimesTakesTheVisitorsAddress() {
    FormatStringParser parser = FormatStringParser.of("$remote_addr - $remote_user [$time_local] \"$request\" "
        + "$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\" "
        + "rt=$request_time uct=\"$upstream_connect_time\" urt=\"$upstream_response_time\"");
    assertEquals(new ParsedLine(ms("2026-01-05T10:00:00Z"), "198.51.100.23", null, "GET", "/travel/lisbon", 304,
        0L, null, "Mozilla/5.0", null, null, null, null, null, null), parser.parse("10.0.0.5 - - "
        + "[05/Jan/2026:10:00:00 +0000] \"GET /travel/lisbon HTTP/2.0\" 304 0 \"-\" \"Mozilla/5.0\" "
        + "\"198.51.100.23, 10.0.0.1\" rt=0.012 uct=\"0.001\" urt=\"0.011\""));
    // Without a forwarded chain the connecting address is the visitor's.
    assertEquals("10.0.0.5", parser.parse("10.0.0.5 - - [05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12 "
        + "\"-\" \"-\" \"-\" rt=0.012 uct=\"-\" urt=\"-\"").client());
  }

  @Test
  void nginxsIsoTimeAndApachesForwardedHeader() {
    assertEquals(ms("2026-01-05T09:00:00Z"), FormatStringParser.of("$remote_addr [$time_iso8601] \"$request\" $status")
        .parse("10.0.0.5 [2026-01-05T10:00:00+01:00] \"GET / HTTP/1.1\" 200").ts());
    assertEquals(404, FormatStringParser.of("%h %l %u %t \"%r\" %s %O").parse("10.0.0.5 - - "
        + "[05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 404 512").status(), "the first status, %s");
    assertEquals(512L, FormatStringParser.of("%h %l %u %t \"%r\" %s %O").parse("10.0.0.5 - - "
        + "[05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 404 512").bytes(), "bytes sent with headers, %O");
    assertEquals("https://www.bing.com/", FormatStringParser.of("%h %l %u %t \"%r\" %>s %b \"%!200,304{Referer}i\"")
        .parse("10.0.0.5 - - [05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 404 12 \"https://www.bing.com/\"")
        .referrer(), "a directive logged on some statuses only");
    assertEquals("198.51.100.30", FormatStringParser.of("%h %l %u %t \"%r\" %>s %b \"%{X-Forwarded-For}i\"")
        .parse("10.0.0.5 - - [05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12 \"198.51.100.30\"").client());
  }

  @Test
  void anUnknownDirectiveFailsWithOneLineNamingIt() {
    UserException apache = assertThrows(UserException.class, () -> FormatStringParser.of("%h %t \"%r\" %>s %Z"));
    assertTrue(apache.getMessage().startsWith("unknown directive %Z in the log format '%h %t \"%r\" %>s %Z'"),
        apache.getMessage());
    UserException nginx = assertThrows(UserException.class,
        () -> FormatStringParser.of("$remote_addr [$time_local] \"$request\" $status $bogus_thing"));
    assertTrue(nginx.getMessage().startsWith("unknown variable $bogus_thing in the log format"), nginx.getMessage());
    UserException noRequest = assertThrows(UserException.class, () -> FormatStringParser.of("%h %t %>s"));
    assertTrue(noRequest.getMessage().contains("has no request line (%r, $request)"), noRequest.getMessage());
    assertEquals("site.yaml: the log format is empty", assertThrows(UserException.class,
        () -> FormatStringParser.checkFormat(" ", "site.yaml")).getMessage());
  }

  @Test
  void linesOfAnotherShapeAndFieldsThatDoNotParseAreQuarantinedNeverGuessed() {
    FormatStringParser parser = FormatStringParser.of("%h %l %u %t \"%r\" %>s %b %D");
    assertEquals("does not match the log format", parser.parse("garbage").rejectReason());
    assertEquals("does not match the log format", parser.parse("1.2.3.4 - - [05/Jan/2026:10:00:00 +0000] "
        + "\"GET / HTTP/1.1\" 200 12").rejectReason(), "the %D is missing");
    assertEquals("bad timestamp '32/Jan/2026:10:00:00 +0000'",
        parser.parse("1.2.3.4 - - [32/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12 5").rejectReason());
    assertEquals("bad status 'abc'", parser.parse("1.2.3.4 - - [05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" abc "
        + "12 5").rejectReason());
    // The library's pattern for %b takes digits or "-" only: another size is another shape.
    assertEquals("does not match the log format", parser.parse("1.2.3.4 - - [05/Jan/2026:10:00:00 +0000] "
        + "\"GET / HTTP/1.1\" 200 lots 5").rejectReason());
    assertEquals("no request: the server logged a connection without one (status 408)",
        parser.parse("1.2.3.4 - - [05/Jan/2026:10:00:00 +0000] \"-\" 408 - 5").rejectReason());
  }

  @Test
  void theTextbookFormatsTakeTheHandWrittenPath() {
    assertTrue(FormatStringParser.of(FormatStringParser.COMBINED).fastPath());
    assertTrue(FormatStringParser.of("%h  %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"").fastPath());
    assertTrue(FormatStringParser.of(FormatStringParser.NGINX_COMBINED).fastPath());
    FormatStringParser common = FormatStringParser.of("common");
    assertTrue(common.fastPath());
    assertEquals(200, common.parse("1.2.3.4 - - [05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12").status());
    assertTrue(common.parse("1.2.3.4 - - [05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"UA\"")
        .isRejected(), "a combined line is not of the common format");
  }

  /**
   * Real lines (the Elastic sample's 10,000 and nginx's fixtures, in ../shared/data) read by the
   * library from the combined format string and by the hand-written parser: the same fields for
   * every line both read. The hand-written parser also reads what the textbook format does not
   * say (a vhost before the client, fields after the user agent); the library refuses those, as
   * the format string given says.
   */
  @Test
  void realCombinedLinesReadAlikeByTheLibraryAndTheHandWrittenParser() throws IOException {
    Path elastic = SHARED.resolve("apache-combined-elastic/access.log");
    assumeTrue(Files.isRegularFile(elastic), "../shared/data is not beside this checkout");
    FormatStringParser library = FormatStringParser.withoutFastPath(FormatStringParser.COMBINED);
    int compared = 0;
    List<String> onlyHandWritten = new java.util.ArrayList<>();
    for (Path file : List.of(elastic, SHARED.resolve("parser-fixtures/nginx_access.log"))) {
      for (String line : Files.readAllLines(file)) {
        ParsedLine hand = CombinedLogParser.parse(line);
        ParsedLine lib = library.parse(line);
        if (hand.isRejected()) {
          assertTrue(lib.isRejected(), "hand-written: " + hand.rejectReason() + "; library read: " + line);
        } else if (lib.isRejected()) {
          onlyHandWritten.add((hand.vhost() != null ? "vhost " : "other ") + line);
        } else {
          assertEquals(hand, lib, line);
          compared++;
        }
      }
    }
    assertEquals(1, onlyHandWritten.size(), onlyHandWritten.toString());
    assertTrue(onlyHandWritten.get(0).startsWith("vhost lessons.example.com 192.168.0.1"), onlyHandWritten.get(0));
    assertEquals(9_999 + 12, compared, "the Elastic sample but its truncated line, nginx's but its vhost line");
  }
}
