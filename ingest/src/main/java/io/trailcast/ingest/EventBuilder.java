package io.trailcast.ingest;

import io.trailcast.ingest.parse.ParsedLine;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a parsed line into a normalised {@link Event}: URL, action, interactivity, user id, hashes,
 * bot flag (DESIGN.md "Event" and "User id"; docs/definitions.md). The action says what the
 * request asked for (from method and path, whatever the answer); whether it showed a page is
 * {@link Event#isPageview()}. Pure: the same line and config always give the same event.
 */
public final class EventBuilder implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Set<String> PLACEHOLDER_LOGINS = Set.of("-", "null", "none", "unknown", "anonymous",
      "guest", "undefined");
  private static final java.util.regex.Pattern TEST_ADDRESS = java.util.regex.Pattern.compile(
      "(test|testing|qa|no-?reply|donotreply)@.*|.*@(example\\.(com|org|net)|test\\.com|localhost)");
  private static final Set<String> PAGE_METHODS = Set.of("GET", "POST");

  private final SiteConfig site;
  private final BotDetector bots;
  private final String salt;
  private final PersonalData personal;
  private transient ZoneId zone;

  public SiteConfig site() {
    return site;
  }

  /** What this site's lines may carry that is never stored. */
  public PersonalData personalData() {
    return personal;
  }

  public EventBuilder(SiteConfig site, String salt) {
    this.site = site;
    this.bots = new BotDetector(site.botUserAgents());
    this.salt = salt;
    this.personal = new PersonalData(site);
  }

  /** The event of a parsed line; {@code eventId} identifies it (see {@link Event#eventId()}). */
  public Event build(ParsedLine p, String eventId, String source, long line) {
    NormalizedUrl url = NormalizedUrl.of(p.target(), p.vhost() == null ? site.host() : p.vhost(),
        site.sessionIdParameters(), personal);
    boolean interactive = p.method() != null && PAGE_METHODS.contains(p.method().toUpperCase(Locale.ROOT))
        && !site.isAsset(url.path());
    String searchQuery = p.query();
    String action;
    if (p.action() != null) {
      action = p.action();
    } else if (!interactive) {
      action = "other";
    } else if (site.isConversion(url.path())) {
      action = "conversion";
    } else if (site.isLogout(url.path())) {
      action = "logout";
    } else if (url.path().equals(site.searchPath()) && url.parameter(site.searchParameter()) != null) {
      action = "search";
    } else if (isResultsPage(p.referrer(), url.host())) {
      action = "click";
    } else {
      action = "pageview";
    }
    if (action.equals("search") && searchQuery == null) {
      searchQuery = url.parameter(site.searchParameter());
    }
    searchQuery = PersonalData.withoutEmails(searchQuery);
    String userId = userId(p, url);
    String login = login(p.login());
    String loginHash = login == null ? null : Hashing.salted(salt, login);
    String botReason = bots.reason(p.userAgent());
    return new Event(eventId, userId, LocalDate.ofInstant(Instant.ofEpochMilli(p.ts()), zone()), p.ts(),
        p.site() == null ? site.site() : p.site(), url.url(), url.host(), url.path(), action,
        personal.scrubUrl(p.referrer()),
        searchQuery, url.tracking(), url.campaign(), p.client() == null ? null : Hashing.salted(salt, p.client()),
        p.userAgent(), p.status(), interactive, botReason != null, botReason, loginHash,
        login != null && login.contains("@") ? loginHash : null, source, line);
  }

  /**
   * The user id rule of DESIGN.md: explicit id, else a session id parameter, else ip + user agent;
   * each a salted hash, since a cookie or session id in a log is a live credential.
   */
  private String userId(ParsedLine p, NormalizedUrl url) {
    if (p.user() != null) {
      return cookieUserId(salt, p.user());
    }
    if (url.sessionId() != null) {
      return "s:" + Hashing.salted(salt, url.sessionId());
    }
    return addressUserId(salt, p.client(), p.userAgent());
  }

  /** The user id of a visitor with an explicit (cookie) id. */
  public static String cookieUserId(String salt, String cookie) {
    return "c:" + Hashing.salted(salt, cookie);
  }

  /** The user id of a visitor known only by address and user agent. */
  public static String addressUserId(String salt, String client, String userAgent) {
    return "h:" + Hashing.salted(salt, (client == null ? "" : client) + "\u0001"
        + (userAgent == null ? "" : userAgent));
  }

  /**
   * Trimmed and lower-cased; placeholders (empty, "-", "guest", "unknown", ...) and test addresses
   * (test@..., ...@example.com, ...@test.com, no-reply) are no login: they would merge strangers.
   */
  public static String login(String raw) {
    if (raw == null) {
      return null;
    }
    String login = raw.trim().toLowerCase(Locale.ROOT);
    return login.isEmpty() || PLACEHOLDER_LOGINS.contains(login) || TEST_ADDRESS.matcher(login).matches() ? null
        : login;
  }

  /** 2xx and 304 show a page; redirects and errors do not. */
  public static boolean isPageStatus(int status) {
    return (status >= 200 && status < 300) || status == 304;
  }

  private boolean isResultsPage(String referrer, String host) {
    if (referrer == null) {
      return false;
    }
    NormalizedUrl from = NormalizedUrl.of(referrer, host);
    return (from.host().equals(host) || from.host().equals(site.host())) && from.path().equals(site.searchPath());
  }

  private ZoneId zone() {
    if (zone == null) {
      zone = site.zone();
    }
    return zone;
  }
}
