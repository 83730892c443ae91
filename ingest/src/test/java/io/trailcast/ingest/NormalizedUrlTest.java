package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizedUrlTest {
  @Test
  void pathGetsTheSiteHostAndTrackingIsKeptApart() {
    NormalizedUrl url = NormalizedUrl.of("/Music/Jazz?utm_source=news&id=7&gclid=abc#top", "www.trailmag.com");
    assertEquals(new NormalizedUrl("www.trailmag.com/Music/Jazz?id=7", "www.trailmag.com", "/Music/Jazz", "id=7",
        Map.of("utm_source", "news", "gclid", "abc"), null), url);
    assertEquals("gclid=abc&utm_source=news", url.campaign());
  }

  @Test
  void absoluteUrlsKeepTheirHostLowerCasedWithoutDefaultPort() {
    NormalizedUrl url = NormalizedUrl.of("HTTPS://WWW.Example.COM:443/a%2fb?q=caf%c3%a9", "ignored");
    assertEquals("www.example.com/a%2Fb?q=caf%C3%A9", url.url());
    assertEquals("café", url.parameter("q"));
    assertNull(url.campaign());
    assertEquals("example.com:8080/", NormalizedUrl.of("http://example.com:8080", "x").url());
  }

  @Test
  void oddTargetsDoNotBreakIt() {
    assertEquals("h/*", NormalizedUrl.of("*", "h").url());
    assertEquals("h/", NormalizedUrl.of("", "h").url());
    assertEquals("h/x?redirect:${%23req}", NormalizedUrl.of("/x?redirect:${%23req}", "h").url());
    assertEquals("100%", NormalizedUrl.of("/x?a=100%", "h").parameter("a"), "a bad escape is kept as it is");
  }
}
