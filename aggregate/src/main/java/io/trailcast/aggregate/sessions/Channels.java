package io.trailcast.aggregate.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailcast.ingest.SiteConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The channel a session came through (docs/definitions.md, "Channel"), from its first request's campaign
 * parameters, then its referrer: direct, organic_search, paid_search, social, email, referral or campaign.
 * Referrer hosts are looked up in Snowplow's referer-parser database ({@code referers.json} of
 * com.snowplowanalytics:referer-parser 0.3.1: some 2,000 search, 93 social and 18 webmail hosts), under the
 * site's own additions ({@code channels} in the site config), which win.
 */
public final class Channels implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String DIRECT = "direct";
  public static final String ORGANIC_SEARCH = "organic_search";
  public static final String PAID_SEARCH = "paid_search";
  public static final String SOCIAL = "social";
  public static final String EMAIL = "email";
  public static final String REFERRAL = "referral";
  public static final String CAMPAIGN = "campaign";
  /** Every channel, in the order reports list them. */
  public static final List<String> ALL = List.of(DIRECT, ORGANIC_SEARCH, PAID_SEARCH, SOCIAL, EMAIL, REFERRAL,
      CAMPAIGN);
  /** The version of the packaged referrer database, as recorded beside what it classified. */
  public static final String DATABASE = "snowplow-referer-parser-0.3.1";

  private static final Pattern PAID = Pattern.compile("cpc|ppc|cpm|cpv|paid|paid[-_ ]?search|sem|retargeting");
  private static final Pattern EMAIL_MEDIUM = Pattern.compile("e[-_]?mail|newsletter");
  private static final Pattern SOCIAL_MEDIUM = Pattern.compile("social|social[-_ ]?(network|media)|sm|sn");
  /** Click ids search ads append to the landing URL. */
  private static final List<String> PAID_CLICK_IDS = List.of("gclid", "gbraid", "wbraid", "dclid", "msclkid");

  /** Host, or host and path prefix ({@code google.de/imgres}), to medium: search, social, email or unknown. */
  private final Map<String, String> siteHosts;
  private final Set<String> ownHosts;

  private Channels(Map<String, String> siteHosts, Set<String> ownHosts) {
    this.siteHosts = Map.copyOf(siteHosts);
    this.ownHosts = Set.copyOf(ownHosts);
  }

  /** A site's channel rules: its host and {@code channels.own_hosts} are itself, its extra hosts win. */
  public static Channels of(SiteConfig site) {
    Map<String, String> hosts = new HashMap<>();
    site.channelHosts().forEach((medium, list) -> list.forEach(h -> hosts.put(bare(h), medium)));
    Set<String> own = new HashSet<>();
    own.add(bare(site.host()));
    site.ownHosts().forEach(h -> own.add(bare(h)));
    return new Channels(hosts, own);
  }

  /**
   * The channel of a session whose first request was {@code landingUrl} (normalised: host/path?query) with
   * {@code campaign} (its tracking parameters, {@code name=value&...}, or null) and {@code referrer} (a URL or
   * null). Never null.
   */
  public String of(String referrer, String campaign, String landingUrl) {
    String byCampaign = campaign == null ? null : byCampaign(parameters(campaign), referrer);
    if (byCampaign != null) {
      return byCampaign;
    }
    String host = host(referrer);
    if (host == null) {
      return DIRECT;
    }
    String landingHost = landingUrl == null ? null : bare(landingUrl.split("[/?#]", 2)[0]);
    if (host.equals(landingHost) || ownHosts.contains(host)) {
      // A visit resumed from one of the site's own pages after the session timed out: nothing brought it.
      return DIRECT;
    }
    return switch (String.valueOf(medium(host, path(referrer)))) {
      case "search" -> ORGANIC_SEARCH;
      case "social" -> SOCIAL;
      case "email" -> EMAIL;
      default -> REFERRAL;
    };
  }

  private String byCampaign(Map<String, String> p, String referrer) {
    String medium = p.get("utm_medium");
    if (medium != null && !medium.isEmpty()) {
      if (PAID.matcher(medium).matches()) {
        // Paid posts on a social network are social; paid clicks from a search engine are paid search; other paid
        // media (display, retargeting networks) are a campaign.
        String source = p.get("utm_source");
        if (isFrom("social", source, referrer)) {
          return SOCIAL;
        }
        boolean searchAd = PAID_CLICK_IDS.stream().anyMatch(p::containsKey);
        return searchAd || isFrom("search", source, referrer) ? PAID_SEARCH : CAMPAIGN;
      }
      if (EMAIL_MEDIUM.matcher(medium).matches()) {
        return EMAIL;
      }
      if (SOCIAL_MEDIUM.matcher(medium).matches()) {
        return SOCIAL;
      }
      if (medium.equals("organic")) {
        return ORGANIC_SEARCH;
      }
      if (medium.equals("referral")) {
        return REFERRAL;
      }
      return CAMPAIGN;
    }
    for (String id : PAID_CLICK_IDS) {
      if (p.containsKey(id)) {
        return PAID_SEARCH;
      }
    }
    if (p.containsKey("fbclid")) {
      return SOCIAL;
    }
    for (String name : p.keySet()) {
      if (name.startsWith("utm_")) {
        return CAMPAIGN;
      }
    }
    return null;
  }

  /** Whether the referrer's host, or the utm_source as a host or a name, is of {@code medium} (search, social). */
  private boolean isFrom(String medium, String source, String referrer) {
    String host = host(referrer);
    if (host != null && medium.equals(medium(host, path(referrer)))) {
      return true;
    }
    if (source == null) {
      return false;
    }
    String name = source.toLowerCase(Locale.ROOT);
    return medium.equals(medium(name, "")) || medium.equals(medium(name + ".com", ""))
        || Database.NAMES.getOrDefault(medium, Set.of()).contains(name.replace(" ", ""));
  }

  /**
   * The medium of a referrer host: the site's additions, then the database, for the host and then each of its
   * parent domains ({@code news.google.co.uk}, {@code google.co.uk}, ...); a database entry with a path
   * ({@code orange.fr/webmail}) before its host's.
   */
  String medium(String host, String path) {
    for (String h = host; h != null; h = parent(h)) {
      if (siteHosts.containsKey(h)) {
        return siteHosts.get(h);
      }
      for (String[] entry : Database.PATHS.getOrDefault(h, List.of())) {
        if (path.startsWith(entry[0])) {
          return entry[1];
        }
      }
      if (Database.HOSTS.containsKey(h)) {
        return Database.HOSTS.get(h);
      }
    }
    return null;
  }

  private static String parent(String host) {
    int dot = host.indexOf('.');
    return dot < 0 || host.indexOf('.', dot + 1) < 0 ? null : host.substring(dot + 1);
  }

  /** The referrer's host, lower case, without {@code www.}, or null (none, {@code -}, no host). */
  static String host(String referrer) {
    if (referrer == null || referrer.isBlank() || referrer.equals("-")) {
      return null;
    }
    String rest = referrer.strip();
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      rest = rest.substring(scheme + 3);
    }
    int end = 0;
    while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
      end++;
    }
    String authority = rest.substring(0, end);
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    int port = authority.lastIndexOf(':');
    String host = port >= 0 ? authority.substring(0, port) : authority;
    return host.isEmpty() ? null : bare(host);
  }

  private static String path(String referrer) {
    int scheme = referrer.indexOf("://");
    int slash = referrer.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    if (slash < 0) {
      return "";
    }
    int end = slash;
    while (end < referrer.length() && "?#".indexOf(referrer.charAt(end)) < 0) {
      end++;
    }
    return referrer.substring(slash, end).toLowerCase(Locale.ROOT);
  }

  private static String bare(String host) {
    String lower = host.strip().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    return lower.startsWith("www.") ? lower.substring(4) : lower;
  }

  /** {@code name=value&...} as a map, names and values in lower case. */
  static Map<String, String> parameters(String campaign) {
    Map<String, String> out = new HashMap<>();
    for (String pair : campaign.split("&")) {
      int eq = pair.indexOf('=');
      String name = (eq < 0 ? pair : pair.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      if (!name.isEmpty()) {
        out.put(name, eq < 0 ? "" : pair.substring(eq + 1).strip().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** The packaged database, read once per JVM: host (without {@code www.}) → medium. */
  static final class Database {
    static final Map<String, String> HOSTS;
    /** Host → its entries with a path: {path prefix, medium}. */
    static final Map<String, List<String[]>> PATHS;
    /** Medium → the names of its sources, as utm_source often gives them (facebook, linkedin, google, ...). */
    static final Map<String, Set<String>> NAMES;

    static {
      Map<String, String> hosts = new HashMap<>();
      Map<String, List<String[]>> paths = new HashMap<>();
      Map<String, Set<String>> names = new HashMap<>();
      try (InputStream in = Channels.class.getClassLoader().getResourceAsStream("referers.json")) {
        if (in == null) {
          throw new IllegalStateException("referers.json (com.snowplowanalytics:referer-parser) is not on the "
              + "class path");
        }
        JsonNode root = new ObjectMapper().readTree(in);
        List<String> media = new ArrayList<>();
        root.fieldNames().forEachRemaining(media::add);
        // "unknown" first: a named non-search page of a search engine (maps.google.com) is overridden by none.
        media.sort((a, b) -> Boolean.compare(!a.equals("unknown"), !b.equals("unknown")));
        for (String medium : media) {
          Iterator<Map.Entry<String, JsonNode>> sources = root.get(medium).fields();
          while (sources.hasNext()) {
            Map.Entry<String, JsonNode> source = sources.next();
            names.computeIfAbsent(medium, m -> new HashSet<>())
                .add(source.getKey().toLowerCase(Locale.ROOT).replace(" ", ""));
            for (JsonNode domain : source.getValue().get("domains")) {
              String entry = domain.asText().toLowerCase(Locale.ROOT);
              int slash = entry.indexOf('/');
              if (slash < 0) {
                hosts.putIfAbsent(bare(entry), medium);
              } else {
                paths.computeIfAbsent(bare(entry.substring(0, slash)), h -> new ArrayList<>())
                    .add(new String[] {entry.substring(slash), medium});
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      HOSTS = Map.copyOf(hosts);
      PATHS = Map.copyOf(paths);
      Map<String, Set<String>> frozen = new HashMap<>();
      names.forEach((m, n) -> frozen.put(m, Set.copyOf(n)));
      NAMES = Map.copyOf(frozen);
    }

    private Database() {
    }
  }
}
