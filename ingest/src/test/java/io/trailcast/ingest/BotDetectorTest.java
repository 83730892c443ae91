package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class BotDetectorTest {
  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";

  @Test
  void eachAgentIsAnsweredAsTheListSaysHoweverOftenItIsAsked() {
    BotDetector bots = new BotDetector(List.of("ShopMonitor"));
    for (int i = 0; i < 3; i++) {
      assertEquals("user_agent:bot", bots.reason("Mozilla/5.0 (compatible; Googlebot/2.1)"));
      assertNull(bots.reason(FIREFOX));
      assertEquals("user_agent:shopmonitor", bots.reason("shopmonitor/1.0"), "the site's token, any case");
      assertEquals("no_user_agent", bots.reason(" "));
      assertNull(bots.reason(null), "a format without agents says nothing");
    }
  }

  @Test
  void moreDistinctAgentsThanItRemembersChangeNoAnswer() {
    BotDetector bots = new BotDetector(List.of());
    for (int i = 0; i < BotDetector.CACHE_LIMIT + 10; i++) {
      assertNull(bots.reason(FIREFOX + " build/" + i));
    }
    assertEquals("user_agent:bot", bots.reason("Googlebot/2.1"));
    assertNull(bots.reason(FIREFOX + " build/1"));
    String forged = "x".repeat(BotDetector.LONGEST_KEPT) + " crawler";
    assertEquals("user_agent:crawler", bots.reason(forged), "answered, though not kept");
    assertEquals("user_agent:crawler", bots.reason(forged));
  }
}
