package io.trailcast.aggregate.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailcast.core.UserException;
import io.trailcast.ingest.SiteConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A session's channel from its first request's referrer and campaign: hand-written requests, expected channels. */
class ChannelsTest {
  private static final Channels SITE = Channels.of(SiteConfig.defaults());
  private static final String LANDING = "www.trailmag.com/music/jazz";

  @ParameterizedTest(name = "{0} | {1} -> {2}")
  @CsvSource(nullValues = "null", value = {
      // Nothing brought the visit.
      "null, null, direct",
      "-, null, direct",
      // The site's own pages (a visit resumed after a timeout), with or without www. and a port.
      "https://www.trailmag.com/search?q=jazz, null, direct",
      "http://trailmag.com:8080/, null, direct",
      // Search engines of the packaged list, country domains and subdomains included.
      "https://www.google.com/, null, organic_search",
      "https://www.google.co.uk/search?q=jazz, null, organic_search",
      "https://www.bing.com/search?q=jazz, null, organic_search",
      "https://duckduckgo.com/, null, organic_search",
      "https://fr.search.yahoo.com/search?p=jazz, null, organic_search",
      // Entries with a path: a webmail and a search page of portals whose other pages are referrals.
      "https://www.orange.fr/webmail/inbox, null, email",
      "https://apollo.lv/portal/search/?q=jazz, null, organic_search",
      "https://apollo.lv/portal/news, null, referral",
      // A search engine's other services are referrals, not search.
      "https://maps.google.com/, null, referral",
      // Social networks: the list's and the site's additions (x.com, newer than the list).
      "https://t.co/x9, null, social",
      "https://m.facebook.com/story, null, social",
      "https://www.reddit.com/r/jazz/, null, social",
      "https://x.com/someone/status/1, null, social",
      // Webmail: the list's and the site's additions.
      "https://mail.google.com/mail/u/0/, null, email",
      "https://outlook.live.com/mail/0/, null, email",
      // Anything else.
      "https://blog.example.org/post, null, referral",
      "android-app://com.example.reader, null, referral",
      // Campaign parameters come first, whatever the referrer.
      "null, utm_campaign=weekly_digest&utm_medium=email&utm_source=newsletter, email",
      "https://www.google.com/, utm_campaign=spring&utm_medium=Newsletter&utm_source=shop, email",
      "null, utm_campaign=summer_travel&utm_medium=social&utm_source=facebook, social",
      "https://www.google.com/, gclid=abc123, paid_search",
      "https://www.bing.com/, msclkid=abc, paid_search",
      "null, utm_medium=cpc&utm_source=google, paid_search",
      "null, utm_medium=cpc&utm_source=facebook, social",
      "null, utm_medium=cpc&utm_source=bing, paid_search",
      "https://duckduckgo.com/, utm_medium=ppc&utm_source=ddg, paid_search",
      // Paid media that are neither search nor social (display, retargeting) are a campaign.
      "null, utm_campaign=retarget&utm_medium=cpc&utm_source=display, campaign",
      "null, utm_medium=cpm&utm_source=network, campaign",
      "https://l.facebook.com/, utm_medium=paid&utm_source=fb_ads, social",
      "null, utm_medium=organic&utm_source=duckduckgo, organic_search",
      "null, utm_medium=referral&utm_source=partner, referral",
      "null, utm_medium=display&utm_source=network, campaign",
      "null, utm_campaign=launch, campaign",
      "https://www.facebook.com/, fbclid=IwAR0, social",
      "null, fbclid=IwAR0, social",
  })
  void channelOfAFirstRequest(String referrer, String campaign, String expected) {
    assertEquals(expected, SITE.of(referrer, campaign, LANDING));
  }

  @Test
  void aSiteConfigAddsHostsAndOwnHostsThatWinOverTheList(@TempDir Path tmp) throws Exception {
    String yaml = new String(SiteConfig.class.getResourceAsStream("default-site.yaml").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    Path file = Files.writeString(tmp.resolve("site.yaml"), yaml.replace("  own_hosts: []",
        "  own_hosts: [shop.trailmag.com]").replace("  search: []", "  search: [search.example.net]")
        .replace("  referral: []", "  referral: [t.co]"));
    Channels site = Channels.of(SiteConfig.load(file));
    assertEquals("direct", site.of("https://shop.trailmag.com/cart", null, LANDING));
    assertEquals("organic_search", site.of("https://search.example.net/?q=jazz", null, LANDING));
    assertEquals("referral", site.of("https://t.co/x9", null, LANDING), "the site's word wins over the list's");
    // Another page's host is the site too: the landing page's own host.
    assertEquals("direct", site.of("https://blog.trailmag.com/x", null, "blog.trailmag.com/x"));

    // A site file without the block keeps the shipped additions.
    Path bare = Files.writeString(tmp.resolve("bare.yaml"), yaml.substring(0, yaml.indexOf("channels:")));
    assertEquals("social", Channels.of(SiteConfig.load(bare)).of("https://x.com/a", null, LANDING));

    Path wrong = Files.writeString(tmp.resolve("wrong.yaml"), yaml.replace("  search: []",
        "  search: [https://search.example.net/]"));
    UserException refused = assertThrows(UserException.class, () -> SiteConfig.load(wrong));
    assertEquals(wrong + ": channels.search takes host names (www.example.com), not 'https://search.example.net/'",
        refused.getMessage());
  }

  @Test
  void hostsOfReferrers() {
    assertEquals("google.com", Channels.host("https://www.google.com/search?q=x"));
    assertEquals("example.org", Channels.host("http://user@Example.ORG:8080/x"));
    assertEquals("example.org", Channels.host("example.org/path"));
    assertEquals(null, Channels.host("-"));
    assertEquals(null, Channels.host("https:///nohost"));
  }
}
