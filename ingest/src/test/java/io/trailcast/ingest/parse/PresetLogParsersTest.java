package io.trailcast.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The presets by name: AWS ALB and classic ELB, CloudFront and IIS (W3C), Caddy's JSON; lines written here. */
class PresetLogParsersTest {
  private static long ms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  static final String ALB_LINE = "https 2026-01-05T10:00:00.123456Z app/shop-lb/50dc6c495c0c9188 "
      + "203.0.113.12:46532 10.0.0.66:80 0.000 0.048 0.000 200 200 34 366 "
      + "\"GET https://shop.example.com:443/music/jazz?utm_source=news HTTP/1.1\" \"Mozilla/5.0 (X11; Linux x86_64)\" "
      + "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
      + "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/73e2d6bc24d8a067 "
      + "\"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"shop.example.com\" \"arn:aws:acm:eu-west-1:123456789012:"
      + "certificate/12345678-1234-1234-1234-123456789012\" 1 2026-01-05T09:59:59.975000Z \"authenticate,forward\" "
      + "\"-\" \"-\" \"10.0.0.66:80\" \"200\" \"-\" \"-\" TID_1234";

  @Test
  void anAlbLineGivesItsClientTimeRequestStatusAndAgent() {
    assertTrue(LoadBalancerLogParser.looksLikeAlb(ALB_LINE));
    // The time the request came (request_creation_time), not the time the response went.
    assertEquals(new ParsedLine(ms("2026-01-05T09:59:59.975Z"), "203.0.113.12", null, "GET",
        "https://shop.example.com:443/music/jazz?utm_source=news", 200, 366L, null, "Mozilla/5.0 (X11; Linux x86_64)",
        null, null, null, null, null, null), LoadBalancerLogParser.alb().parse(ALB_LINE));
    // An IPv6 client keeps its address without the port, bracketed or not.
    assertEquals("2001:db8::7", LoadBalancerLogParser.withoutPort("[2001:db8::7]:443"));
    assertEquals("2001:db8::7", LoadBalancerLogParser.withoutPort("2001:db8::7:443"));
  }

  @Test
  void aClassicElbLineAndItsConnectionsWithoutRequest() {
    String line = "2026-01-05T10:00:00.500000Z shop-elb 198.51.100.4:2817 10.0.0.1:80 0.000073 0.001048 0.000057 "
        + "200 200 0 29 \"GET http://www.example.com:80/travel HTTP/1.1\" \"curl/7.38.0\" - -";
    assertTrue(LoadBalancerLogParser.looksLikeElb(line));
    assertFalse(LoadBalancerLogParser.looksLikeAlb(line));
    assertEquals(new ParsedLine(ms("2026-01-05T10:00:00.500Z"), "198.51.100.4", null, "GET",
        "http://www.example.com:80/travel", 200, 29L, null, "curl/7.38.0", null, null, null, null, null, null),
        LoadBalancerLogParser.elb().parse(line));
    String tcp = "2026-01-05T10:00:01.000000Z shop-elb 198.51.100.4:2817 10.0.0.1:80 0.001 0.5 0.0 - - 57 502 "
        + "\"- - - \" \"-\" - -";
    assertEquals("no request: the load balancer logged a connection without one (status -)",
        LoadBalancerLogParser.elb().parse(tcp).rejectReason());
  }

  @Test
  void badLoadBalancerFieldsAreQuarantinedNotGuessed() {
    LoadBalancerLogParser alb = LoadBalancerLogParser.alb();
    assertEquals("bad timestamp 'yesterday'", alb.parse(ALB_LINE.replace("2026-01-05T09:59:59.975000Z",
        "yesterday")).rejectReason());
    // A line of the format before request_creation_time (2018) has its time only.
    assertEquals(ms("2026-01-05T10:00:00.123Z"), alb.parse(ALB_LINE.substring(0, ALB_LINE.indexOf(" \"arn:aws:acm")))
        .ts());
    assertEquals("bad status '2x0'", alb.parse(ALB_LINE.replace(" 200 200 ", " 2x0 200 ")).rejectReason());
    assertEquals("bad client address 'nowhere'", alb.parse(ALB_LINE.replace("203.0.113.12:46532", "nowhere"))
        .rejectReason());
    assertEquals("ALB line has 3 fields, the format has at least 14", alb.parse("https 2026-01-05T10:00:00Z x")
        .rejectReason());
    assertEquals("truncated: unterminated quoted field in an ALB line",
        alb.parse(ALB_LINE.substring(0, ALB_LINE.indexOf("Mozilla") + 7)).rejectReason());
  }

  @Test
  void caddysAccessLoggerGivesRequestsAndOtherLoggersAreNot() {
    String line = "{\"level\":\"info\",\"ts\":1767607200.5231,\"logger\":\"http.log.access.log0\",\"msg\":\"handled "
        + "request\",\"request\":{\"remote_ip\":\"10.0.0.2\",\"remote_port\":\"41342\",\"client_ip\":\"203.0.113.50\","
        + "\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"shop.example.com\",\"uri\":\"/music?x=1\","
        + "\"headers\":{\"User-Agent\":[\"Mozilla/5.0 (Macintosh)\"],\"Referer\":[\"https://duckduckgo.com/\"]}},"
        + "\"bytes_read\":0,\"user_id\":\"\",\"duration\":0.0009,\"size\":10900,\"status\":200,\"resp_headers\":{}}";
    assertTrue(CaddyLogParser.looksLikeCaddy(line));
    assertEquals(new ParsedLine(1767607200523L, "203.0.113.50", null, "GET", "/music?x=1", 200, 10900L,
        "https://duckduckgo.com/", "Mozilla/5.0 (Macintosh)", "shop.example.com", null, null, null, null, null),
        CaddyLogParser.parse(line));
    assertEquals("not a Caddy access log entry (logger 'http.handlers.reverse_proxy')", CaddyLogParser.parse(
        "{\"level\":\"debug\",\"ts\":1767607200.1,\"logger\":\"http.handlers.reverse_proxy\",\"msg\":\"upstream\"}")
        .rejectReason());
    assertEquals("bad status \"ok\"", CaddyLogParser.parse(line.replace("\"status\":200", "\"status\":\"ok\""))
        .rejectReason());
    assertEquals("bad ts 'yesterday'", CaddyLogParser.parse(line.replace("1767607200.5231", "\"yesterday\""))
        .rejectReason());
    // A time written as ISO 8601 (Caddy's time_format iso8601), and no client_ip before Caddy 2.7.
    ParsedLine iso = CaddyLogParser.parse(line.replace("1767607200.5231", "\"2026-01-05T10:00:00.523Z\"")
        .replace("\"client_ip\":\"203.0.113.50\",", ""));
    assertEquals(1767607200523L, iso.ts());
    assertEquals("10.0.0.2", iso.client());
    // Caddy's iso8601 encoder writes the offset without a colon.
    assertEquals(1767607200523L, CaddyLogParser.parse(line.replace("1767607200.5231",
        "\"2026-01-05T11:00:00.523+0100\"")).ts());
    assertEquals("bad ts 'Infinity'", CaddyLogParser.parse(line.replace("1767607200.5231", "1e999")).rejectReason());
  }

  @Test
  void cloudFrontLinesAreTabSeparatedWithAnEncodedAgentAndTheSiteHostInItsHeader() {
    W3cLogParser parser = new W3cLogParser();
    parser.directive("#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
        + "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header "
        + "cs-protocol cs-bytes time-taken");
    String line = String.join("\t", "2026-01-05", "10:00:00", "LHR62-C2", "2390", "192.0.2.100", "GET",
        "d111111abcdef8.cloudfront.net", "/music/jazz", "200", "https://www.bing.com/",
        "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%2520", "utm_source=mail", "-", "Hit",
        "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==", "shop.example.com", "https", "23", "0.001");
    assertEquals(new ParsedLine(ms("2026-01-05T10:00:00Z"), "192.0.2.100", null, "GET", "/music/jazz?utm_source=mail",
        200, 2390L, "https://www.bing.com/", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)%20", "shop.example.com", null,
        null, null, null, null), parser.parse(line));
  }

  @Test
  void iisLinesWithTheSiteFields() {
    W3cLogParser parser = new W3cLogParser();
    parser.directive("#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port "
        + "cs-username c-ip cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status "
        + "sc-bytes cs-bytes time-taken");
    assertEquals(new ParsedLine(ms("2026-01-05T10:00:00Z"), "203.0.113.80", null, "GET", "/travel/lisbon", 200,
        5120L, "https://www.google.com/", "Mozilla/5.0 (Windows NT 10.0)", "shop.example.com", null, null, null,
        null, null), parser.parse("2026-01-05 10:00:00 W3SVC1 WEB01 10.0.0.10 GET /travel/lisbon - 443 - "
        + "203.0.113.80 HTTP/1.1 Mozilla/5.0+(Windows+NT+10.0) https://www.google.com/ shop.example.com 200 0 0 5120 "
        + "420 15"));
  }
}
