package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.UserException;
import io.trailcast.ingest.parse.ParsedLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventBuilderTest {
  private static final String SALT = "s3cret";
  private static final long TS = Instant.parse("2026-01-05T23:30:00Z").toEpochMilli();
  private final EventBuilder builder = new EventBuilder(SiteConfig.defaults(), SALT);

  private static ParsedLine request(String method, String target, int status, String referrer, String agent,
      String login) {
    return new ParsedLine(TS, "81.2.69.143", login, method, target, status, 10L, referrer, agent, null, null, null,
        null, null, null);
  }

  private Event build(String method, String target, int status, String referrer) {
    return builder.build(request(method, target, status, referrer, "Mozilla/5.0", null), "id", "f", 1);
  }

  @Test
  void actionsComeFromTheSiteConfig() {
    assertEquals("pageview", build("GET", "/music/jazz", 200, null).action());
    assertEquals("pageview", build("GET", "/music/jazz", 304, null).action());
    assertEquals("conversion", build("GET", "/registration/ok", 200, null).action());
    assertEquals("logout", build("GET", "/account/logout", 200, null).action());
    Event redirectedLogout = build("GET", "/account/logout", 302, null);
    assertEquals("logout", redirectedLogout.action(), "the action does not depend on the answer");
    assertFalse(redirectedLogout.isPageview());
    assertTrue(build("GET", "/registration/ok", 200, null).isPageview());
    Event search = build("GET", "/search?q=jazz+paris&page=2", 200, null);
    assertEquals("search", search.action());
    assertEquals("jazz paris", search.searchQuery());
    assertEquals("click", build("GET", "/music/jazz", 200, "https://www.trailmag.com/search?q=jazz").action());
    assertEquals("pageview", build("GET", "/music/jazz", 200, "https://other.com/search?q=jazz").action(),
        "another site's results page is no result click");
  }

  @Test
  void assetsErrorsRedirectsAndOtherMethodsAreNotPageviews() {
    Event css = build("GET", "/static/app.css?v=3", 200, null);
    assertEquals("other", css.action());
    assertFalse(css.interactive());
    Event missing = build("GET", "/missing", 404, null);
    assertTrue(missing.interactive());
    assertEquals("pageview", missing.action());
    assertFalse(missing.isPageview(), "a 404 shows no page");
    assertFalse(build("GET", "/go/x", 301, null).isPageview());
    assertFalse(build("POST", "/account/login", 302, null).isPageview());
    assertTrue(build("GET", "/", 304, null).isPageview());
    assertFalse(build("HEAD", "/", 200, null).interactive());
    assertEquals("other", build("HEAD", "/", 200, null).action());
    assertFalse(build("OPTIONS", "*", 200, null).interactive());
    assertFalse(build("GET", "/robots.txt", 200, null).interactive());
  }

  @Test
  void userIdRuleAndHashes() {
    Event byAddress = build("GET", "/a", 200, null);
    assertEquals("h:" + Hashing.salted(SALT, "81.2.69.143\u0001Mozilla/5.0"), byAddress.userId());
    assertEquals(Hashing.salted(SALT, "81.2.69.143"), byAddress.ipHash());
    Event bySession = build("GET", "/a?jsessionid=ABC&x=1", 200, null);
    assertEquals("s:" + Hashing.salted(SALT, "ABC"), bySession.userId(), "a session id is a credential: hashed");
    assertEquals("www.trailmag.com/a?x=1", bySession.url(), "a session id would split every page per visitor");
    Event byPathParameter = build("GET", "/cart;jsessionid=XYZ?step=2", 200, null);
    assertEquals("s:" + Hashing.salted(SALT, "XYZ"), byPathParameter.userId());
    assertEquals("www.trailmag.com/cart?step=2", byPathParameter.url());
    ParsedLine json = new ParsedLine(TS, "1.2.3.4", "Jo@Mail.COM ", "GET", "https://www.trailmag.com/a?sid=9", 200,
        null, null, "UA", null, "cookie-1", null, null, "other-site", null);
    Event explicit = builder.build(json, "id", "f", 1);
    assertEquals("c:" + Hashing.salted(SALT, "cookie-1"), explicit.userId(),
        "an explicit id wins over a session id parameter, hashed too");
    assertEquals("other-site", explicit.site());
    assertEquals(Hashing.salted(SALT, "jo@mail.com"), explicit.login());
    assertEquals(explicit.login(), explicit.emailHash());
  }

  @Test
  void noCredentialOrEmailIsStoredInUrlsReferrersOrQueries() {
    Event event = builder.build(request("GET", "/account/bob@mail.com/;jsessionid=S1?token=T0K&email=bob%40mail.com"
        + "&next=x@y.org&page=3&utm_content=bob@mail.com&utm_source=news", 200,
        "https://www.trailmag.com/login;JSESSIONID=S2?sid=S3&password=hunter2&from=bob@mail.com&tab=1#access_token=A",
        "UA", null), "id", "f", 1);
    assertEquals("www.trailmag.com/account/[email]/?next=%5Bemail%5D&page=3", event.url());
    assertEquals("{utm_content=[email], utm_source=news}", event.tracking().toString());
    assertEquals("https://www.trailmag.com/login?from=%5Bemail%5D&tab=1", event.referrer());
    Event search = build("GET", "/search?q=invoice+for+jo%40mail.com", 200, null);
    assertEquals("search", search.action());
    assertEquals("invoice for [email]", search.searchQuery());
    assertEquals("https://other.com/a#top", build("GET", "/a", 200, "https://other.com/a#top").referrer(),
        "a plain anchor stays");
  }

  @Test
  void placeholderLoginsAreNoLoginAndUsernamesAreNoEmail() {
    assertNull(builder.build(request("GET", "/a", 200, null, "UA", "guest"), "id", "f", 1).login());
    Event user = builder.build(request("GET", "/a", 200, null, "UA", "jdoe"), "id", "f", 1);
    assertEquals(Hashing.salted(SALT, "jdoe"), user.login());
    assertNull(user.emailHash());
  }

  @Test
  void botsByUserAgent() {
    Event google = builder.build(request("GET", "/a", 200, null, "Mozilla/5.0 (compatible; Googlebot/2.1; "
        + "+http://www.google.com/bot.html)", null), "id", "f", 1);
    assertTrue(google.bot());
    assertEquals("robot:googlebot", google.botReason());
    assertEquals("no_user_agent", builder.build(request("GET", "/a", 200, null, "", null), "id", "f", 1).botReason());
    Event common = builder.build(request("GET", "/a", 200, null, null, null), "id", "f", 1);
    assertFalse(common.bot(), "common logs have no agent: not a bot for that");
  }

  @Test
  void dayIsTheSiteTimeZoneDate(@TempDir Path tmp) throws IOException {
    assertEquals(LocalDate.of(2026, 1, 5), build("GET", "/a", 200, null).day());
    Path paris = tmp.resolve("paris.yaml");
    Files.writeString(paris, "site: paris\nhost: www.paris.fr\ntimezone: Europe/Paris\n"
        + "search: {path: /recherche, parameter: texte}\nconversions: []\nlogout: []\n"
        + "session_id_parameters: []\nassets: {extensions: [css], paths: []}\nbot_user_agents: [TrailCheck]\n");
    EventBuilder local = new EventBuilder(SiteConfig.load(paris), SALT);
    Event event = local.build(request("GET", "/recherche?texte=musique", 200, null, "TrailCheck/1.0", null), "id",
        "f", 1);
    assertEquals(LocalDate.of(2026, 1, 6), event.day(), "23:30 UTC is 00:30 in Paris");
    assertEquals("www.paris.fr/recherche?texte=musique", event.url());
    assertEquals("musique", event.searchQuery());
    assertEquals("paris", event.site());
    assertEquals("site_token:trailcheck", event.botReason());
  }

  @Test
  void badSiteConfigsFailWithOneLine(@TempDir Path tmp) throws IOException {
    Path typo = tmp.resolve("typo.yaml");
    Files.writeString(typo, "site: a\nhost: h\ntimezone: UTC\nsearch: {path: /s, parameter: q}\nconversion: []\n");
    UserException unknown = assertThrows(UserException.class, () -> SiteConfig.load(typo));
    assertTrue(unknown.getMessage().contains("unknown key 'conversion'"), unknown.getMessage());
    Path zone = tmp.resolve("zone.yaml");
    Files.writeString(zone, "site: a\nhost: h\ntimezone: Mars/Olympus\nsearch: {path: /s, parameter: q}\n");
    assertEquals(zone + ": unknown timezone 'Mars/Olympus'",
        assertThrows(UserException.class, () -> SiteConfig.load(zone)).getMessage());
  }
}
