package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PersonalDataTest {
  private final PersonalData personal = new PersonalData(SiteConfig.defaults());

  @Test
  void quarantinedLinesKeepTheirShapeWithoutAddressesEmailsLoginsOrSecrets() {
    assertEquals("[ip] - [login] [20/Jan/2026:10:00:01 +0000] \"GET /cart;jsessionid=[redacted]?email=[redacted]&p=2 "
        + "HTTP/1.1\" 200 -1 \"https://x.com/?sid=[redacted]\" \"UA\" trailing",
        personal.maskLine("203.0.113.9 - jdoe [20/Jan/2026:10:00:01 +0000] \"GET /cart;jsessionid=ABC?email=a%40b.com"
            + "&p=2 HTTP/1.1\" 200 -1 \"https://x.com/?sid=S\" \"UA\" trailing"));
    assertEquals("www.x.com:443 [ip] - [login] [20/Jan/2026:10:00:01 +0000] \"GET /\"",
        personal.maskLine("www.x.com:443 2001:db8::7 - jo@x.org [20/Jan/2026:10:00:01 +0000] \"GET /\""),
        "vhost format; an IPv6 address");
    assertEquals("[ip] - - [bad date] \"GET /[email]/x\"", personal.maskLine("fe80:0:0:0:0:0:0:1 - - [bad date] \"GET "
        + "/jo.doe@mail.example.com/x\""));
    assertEquals("{\"ts\": 1, \"user\": \"[masked]\", \"ip\": \"[masked]\", \"email\": \"[masked]\", \"url\": \"/a\"}",
        personal.maskLine("{\"ts\": 1, \"user\": \"cookie-9\", \"ip\": \"::1\", \"email\": \"j\\\"o@x.org\", "
            + "\"url\": \"/a\"}"));
    assertEquals("#Fields: date time c-ip", personal.maskLine("#Fields: date time c-ip"));
    assertEquals("2026-01-20 10:00:01 [ip] GET", personal.maskLine("2026-01-20 10:00:01 10.1.2.3 GET"),
        "times are no IPv6 addresses");
    assertEquals("", personal.maskLine(""));
    assertNull(personal.maskLine(null));
  }

  @Test
  void urlsLoseSessionIdsSecretsAndEmailsOnly() {
    assertEquals("https://www.x.com/a/b?q=jazz&page=2", personal.scrubUrl("https://www.x.com/a/b?q=jazz&page=2"));
    assertEquals("/p;v=1?keep", personal.scrubUrl("/p;PHPSESSID=1;v=1?keep&Token=2&apikey&mail=x"));
    assertEquals("/[email]?to=%5Bemail%5D+and+me", personal.scrubUrl("/jo%40mail.com?to=a@b.io+and+me#section=2"));
    assertNull(personal.scrubUrl(null));
  }
}
