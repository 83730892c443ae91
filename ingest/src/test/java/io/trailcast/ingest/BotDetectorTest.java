package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BotDetectorTest {
  private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";

  @Test
  void eachAgentIsAnsweredAsTheListSaysHoweverOftenItIsAsked() {
    BotDetector bots = new BotDetector(List.of("ShopMonitor"));
    for (int i = 0; i < 3; i++) {
      assertEquals("robot:googlebot", bots.reason(GOOGLEBOT));
      assertEquals("robot:googlebot_imitator", bots.reason("Googlebot/2.1"), "not how Google's crawler says it");
      assertNull(bots.reason(FIREFOX));
      assertEquals("site_token:shopmonitor", bots.reason("shopmonitor/1.0"), "the site's token, any case");
      assertEquals("no_user_agent", bots.reason(" "));
      assertNull(bots.reason(null), "a format without agents says nothing");
    }
  }

  /**
   * Yauaa's robots (crawlers, HTTP libraries, monitors, a phone crawler, an impostor) against people's browsers;
   * the site's own tokens come first.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', nullValues = "null", value = {
      "robot:bingbot | Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
      "robot:ahrefsbot | Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
      "robot:gptbot | Mozilla/5.0 (compatible; GPTBot/1.0; +https://openai.com/gptbot)",
      "robot:curl | curl/8.4.0",
      "robot:python-requests | python-requests/2.31.0",
      "robot:go_http_client | Go-http-client/1.1",
      "robot:uptimerobot | Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
      "robot:googlebot | Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like "
          + "Gecko) Chrome/120.0.6099.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
          + "+http://www.google.com/bot.html)",
      "null | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
          + "Safari/537.36",
      "null | Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          + "Version/17.1 Mobile/15E148 Safari/604.1",
      "null | " + FIREFOX,
      "site_token:headlesschrome | Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          + "HeadlessChrome/120.0.0.0 Safari/537.36",
  })
  void robotsByTheLibraryAndTheSiteTokens(String reason, String agent) {
    assertEquals(reason, new BotDetector(SiteConfig.defaults().botUserAgents()).reason(agent));
  }

  @Test
  void moreDistinctAgentsThanItRemembersChangeNoAnswer() {
    BotDetector bots = new BotDetector(List.of());
    for (int i = 0; i < BotDetector.CACHE_LIMIT + 10; i++) {
      assertNull(bots.reason(FIREFOX + " build/" + i));
    }
    assertEquals("robot:googlebot", bots.reason(GOOGLEBOT));
    assertNull(bots.reason(FIREFOX + " build/1"));
    String forged = "Mozilla/5.0 (compatible; Googlebot/2.1; " + "x".repeat(BotDetector.LONGEST_KEPT) + ")";
    String answer = bots.reason(forged);
    assertTrue(answer != null && answer.startsWith("robot:"), "answered, though not kept: " + answer);
    assertEquals(answer, bots.reason(forged));
  }
}
