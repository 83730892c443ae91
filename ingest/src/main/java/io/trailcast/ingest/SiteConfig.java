package io.trailcast.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.trailcast.core.Durations;
import io.trailcast.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What trailcast knows of one site: its host and time zone, and the URL patterns that make server
 * logs speak (conversions, search, logout, assets, session id parameters). A small YAML file per
 * site; {@code default-site.yaml} documents every key.
 */
public final class SiteConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The YAML document. */
  public static final class Document {
    public String site;
    public String host;
    public String timezone;
    public Search search;
    public List<String> conversions;
    public List<String> logout;
    public List<String> funnel;
    @JsonProperty("session_id_parameters")
    public List<String> sessionIdParameters;
    public Assets assets;
    @JsonProperty("bot_user_agents")
    public List<String> botUserAgents;
    public Sessions sessions;
    @JsonProperty("future_tolerance")
    public String futureTolerance;
    @JsonProperty("sensitive_parameters")
    public List<String> sensitiveParameters;
    @JsonProperty("log_format")
    public String logFormat;
    public Channels channels;
    /** The landing-page experiments file (docs/experiments.md), relative to this file's directory. */
    public String experiments;
  }

  /**
   * Referrer hosts of a session's channel, beside the packaged list (docs/definitions.md "Channel"); every
   * key is optional. A host here wins over the list's.
   */
  public static final class Channels {
    @JsonProperty("own_hosts")
    public List<String> ownHosts;
    public List<String> search;
    public List<String> social;
    public List<String> email;
    public List<String> referral;
  }

  /** The session rules (DESIGN.md "Session"); every key is optional, the defaults are DESIGN.md's. */
  public static final class Sessions {
    public String gap;
    @JsonProperty("max_duration")
    public String maxDuration;
    @JsonProperty("max_events")
    public Integer maxEvents;
    @JsonProperty("burst_events")
    public Integer burstEvents;
    @JsonProperty("burst_window")
    public String burstWindow;
    @JsonProperty("engaged_duration")
    public String engagedDuration;
  }

  /** Where site search lives. */
  public static final class Search {
    public String path;
    public String parameter;
  }

  /** Requests that are not interactive. */
  public static final class Assets {
    public List<String> extensions;
    public List<String> paths;
  }

  private final String site;
  private final String host;
  private final String zone;
  private final String searchPath;
  private final String searchParameter;
  private final List<Pattern> conversions;
  private final List<Pattern> logout;
  private final List<Pattern> funnel;
  private final List<String> sessionIdParameters;
  private final List<String> assetExtensions;
  private final List<String> assetPaths;
  private final List<String> botUserAgents;
  private final Duration sessionGap;
  private final Duration maxSessionDuration;
  private final int maxSessionEvents;
  private final int burstEvents;
  private final Duration burstWindow;
  private final Duration engagedDuration;
  private final Duration futureTolerance;
  private final List<String> sensitiveParameters;
  private final String logFormat;
  private final List<String> ownHosts;
  /** Medium (search, social, email, referral) → the site's hosts of it. */
  private final java.util.Map<String, List<String>> channelHosts;
  /** The landing-page experiments file, or null when the site runs none. */
  private final String experimentsFile;

  private SiteConfig(Document d, String origin) {
    site = required(d.site, "site", origin);
    host = required(d.host, "host", origin).toLowerCase(Locale.ROOT);
    try {
      zone = ZoneId.of(required(d.timezone, "timezone", origin)).getId();
    } catch (DateTimeException e) {
      throw new UserException(origin + ": unknown timezone '" + d.timezone + "'");
    }
    if (d.search == null || d.search.path == null || d.search.parameter == null) {
      throw new UserException(origin + ": search needs path and parameter");
    }
    searchPath = d.search.path;
    searchParameter = d.search.parameter;
    conversions = patterns(d.conversions, "conversions", origin);
    logout = patterns(d.logout, "logout", origin);
    funnel = d.funnel == null ? patterns(List.of("^/checkout$", "^/registration$", "^/signup$"), "funnel", origin)
        : patterns(d.funnel, "funnel", origin);
    sessionIdParameters = lower(d.sessionIdParameters);
    assetExtensions = d.assets == null ? List.of() : lower(d.assets.extensions);
    assetPaths = d.assets == null || d.assets.paths == null ? List.of() : List.copyOf(d.assets.paths);
    botUserAgents = lower(d.botUserAgents);
    Sessions sessions = d.sessions == null ? new Sessions() : d.sessions;
    sessionGap = duration(sessions.gap, "30m", "sessions.gap", origin);
    maxSessionDuration = duration(sessions.maxDuration, "12h", "sessions.max_duration", origin);
    maxSessionEvents = count(sessions.maxEvents, 2_500, "sessions.max_events", origin);
    burstEvents = count(sessions.burstEvents, 100, "sessions.burst_events", origin);
    burstWindow = duration(sessions.burstWindow, "100s", "sessions.burst_window", origin);
    engagedDuration = duration(sessions.engagedDuration, "10s", "sessions.engaged_duration", origin);
    futureTolerance = duration(d.futureTolerance, "1h", "future_tolerance", origin);
    sensitiveParameters = d.sensitiveParameters == null ? defaults().sensitiveParameters()
        : lower(d.sensitiveParameters);
    logFormat = d.logFormat == null || d.logFormat.isBlank() ? null : d.logFormat.strip();
    // A key left out keeps the shipped default's hosts (default-site.yaml gives every key).
    Channels channels = d.channels == null ? new Channels() : d.channels;
    ownHosts = hosts(channels.ownHosts, "channels.own_hosts", origin);
    java.util.Map<String, List<String>> byMedium = new java.util.LinkedHashMap<>();
    List<List<String>> given = java.util.Arrays.asList(channels.search, channels.social, channels.email,
        channels.referral);
    List<String> media = List.of("search", "social", "email", "referral");
    for (int i = 0; i < media.size(); i++) {
      byMedium.put(media.get(i), given.get(i) == null ? defaults().channelHosts().get(media.get(i))
          : hosts(given.get(i), "channels." + media.get(i), origin));
    }
    channelHosts = java.util.Collections.unmodifiableMap(byMedium);
    experimentsFile = d.experiments == null || d.experiments.isBlank() ? null : d.experiments.strip();
    if (logFormat != null) {
      io.trailcast.ingest.parse.FormatStringParser.checkFormat(logFormat, origin);
    }
  }

  /** The shipped default (generic conventions; it also fits the simulated site). */
  public static SiteConfig defaults() {
    try (InputStream in = SiteConfig.class.getResourceAsStream("default-site.yaml")) {
      return new SiteConfig(mapper().readValue(in, Document.class), "default-site.yaml");
    } catch (IOException e) {
      throw new IllegalStateException("default-site.yaml is broken", e);
    }
  }

  /** A site's file; unknown keys fail with the key's name. */
  public static SiteConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserException("site config " + file + " does not exist");
    }
    try (InputStream in = Files.newInputStream(file)) {
      Document document = mapper().readValue(in, Document.class);
      if (document == null) {
        throw new UserException(file + " is empty");
      }
      if (document.experiments != null && !document.experiments.isBlank()) {
        // Beside the site's file, wherever the command runs from.
        document.experiments = file.toAbsolutePath().getParent().resolve(document.experiments.strip()).toString();
      }
      return new SiteConfig(document, file.toString());
    } catch (UnrecognizedPropertyException e) {
      throw new UserException(file + ": unknown key '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds()
          + ")", e);
    } catch (IOException e) {
      throw new UserException(file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"), e);
    }
  }

  /** A copy that names another site (the {@code --site} flag). */
  public SiteConfig withSite(String name) {
    Document d = document();
    d.site = name;
    return new SiteConfig(d, "--site");
  }

  /**
   * A copy with a run's session rules over this config's ({@code --session-gap},
   * {@code --max-session-duration}, {@code --max-session-events}; null keeps the config's): every
   * stage that cuts sessions then reads the same rules from the one config.
   */
  public SiteConfig withSessions(Duration gap, Duration maxDuration, Integer maxEvents) {
    Document d = document();
    if (gap != null) {
      d.sessions.gap = Durations.format(gap);
    }
    if (maxDuration != null) {
      d.sessions.maxDuration = Durations.format(maxDuration);
    }
    if (maxEvents != null) {
      d.sessions.maxEvents = maxEvents;
    }
    return new SiteConfig(d, "the session flags");
  }

  /** A copy whose logs are written by {@code format} (the {@code --log-format} flag; null keeps the config's). */
  public SiteConfig withLogFormat(String format) {
    if (format == null) {
      return this;
    }
    Document d = document();
    d.logFormat = format;
    return new SiteConfig(d, "--log-format");
  }

  /** A copy whose landing-page experiments are defined in {@code file} (null: none). */
  public SiteConfig withExperiments(Path file) {
    Document d = document();
    d.experiments = file == null ? null : file.toAbsolutePath().toString();
    return new SiteConfig(d, "the experiments file");
  }

  /** This config as a YAML document again, for a copy with some keys changed. */
  private Document document() {
    Document d = new Document();
    d.site = site;
    d.host = host;
    d.timezone = zone;
    d.search = new Search();
    d.search.path = searchPath;
    d.search.parameter = searchParameter;
    d.conversions = conversions.stream().map(Pattern::pattern).toList();
    d.logout = logout.stream().map(Pattern::pattern).toList();
    d.funnel = funnel.stream().map(Pattern::pattern).toList();
    d.sessionIdParameters = sessionIdParameters;
    d.assets = new Assets();
    d.assets.extensions = assetExtensions;
    d.assets.paths = assetPaths;
    d.botUserAgents = botUserAgents;
    d.sessions = new Sessions();
    d.sessions.gap = Durations.format(sessionGap);
    d.sessions.maxDuration = Durations.format(maxSessionDuration);
    d.sessions.maxEvents = maxSessionEvents;
    d.sessions.burstEvents = burstEvents;
    d.sessions.burstWindow = Durations.format(burstWindow);
    d.sessions.engagedDuration = Durations.format(engagedDuration);
    d.futureTolerance = Durations.format(futureTolerance);
    d.sensitiveParameters = sensitiveParameters;
    d.logFormat = logFormat;
    d.channels = new Channels();
    d.channels.ownHosts = ownHosts;
    d.channels.search = channelHosts.get("search");
    d.channels.social = channelHosts.get("social");
    d.channels.email = channelHosts.get("email");
    d.channels.referral = channelHosts.get("referral");
    d.experiments = experimentsFile;
    return d;
  }

  private static ObjectMapper mapper() {
    return new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  private static String required(String value, String key, String origin) {
    if (value == null || value.isBlank()) {
      throw new UserException(origin + ": missing key '" + key + "'");
    }
    return value.trim();
  }

  private static Duration duration(String text, String fallback, String key, String origin) {
    return Durations.parse(text == null ? fallback : text, origin + ": " + key);
  }

  private static int count(Integer value, int fallback, String key, String origin) {
    if (value != null && value < 1) {
      throw new UserException(origin + ": " + key + " must be at least 1, not " + value);
    }
    return value == null ? fallback : value;
  }

  private static List<Pattern> patterns(List<String> regexes, String key, String origin) {
    if (regexes == null) {
      return List.of();
    }
    try {
      return regexes.stream().map(Pattern::compile).toList();
    } catch (PatternSyntaxException e) {
      throw new UserException(origin + ": bad regex in " + key + ": " + e.getDescription() + " in '"
          + e.getPattern() + "'", e);
    }
  }

  /** Host names (lower case); a URL or a path given by mistake fails with the key's name. */
  private static List<String> hosts(List<String> values, String key, String origin) {
    for (String host : lower(values)) {
      if (host.isBlank() || host.contains("/") || host.contains(" ") || host.contains(":")) {
        throw new UserException(origin + ": " + key + " takes host names (www.example.com), not '" + host + "'");
      }
    }
    return lower(values);
  }

  private static List<String> lower(List<String> values) {
    return values == null ? List.of() : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * The server's own format string of its access logs (Apache LogFormat or nginx log_format
   * syntax), or null: the format is then told by {@code --format} or detected.
   */
  public String logFormat() {
    return logFormat;
  }

  /** The landing-page experiments file (docs/experiments.md), or null when the site runs none. */
  public String experimentsFile() {
    return experimentsFile;
  }

  public String site() {
    return site;
  }

  /** Hosts that are this site besides {@link #host()}: a referrer from one of them brought no visit. */
  public List<String> ownHosts() {
    return ownHosts;
  }

  /** The site's referrer hosts by medium (search, social, email, referral), over the packaged list. */
  public java.util.Map<String, List<String>> channelHosts() {
    return channelHosts;
  }

  public String host() {
    return host;
  }

  /**
   * How far past the moment a line is read its time may be (clocks differ a little); a later one is
   * a mistake, quarantined: one event dated years ahead would move the stream's watermark there.
   */
  public Duration futureTolerance() {
    return futureTolerance;
  }

  public ZoneId zone() {
    return ZoneId.of(zone);
  }

  public String searchPath() {
    return searchPath;
  }

  public String searchParameter() {
    return searchParameter;
  }

  public boolean isConversion(String path) {
    return matches(conversions, path);
  }

  public boolean isLogout(String path) {
    return matches(logout, path);
  }

  /** Regexes of the paths that lead straight into a conversion (a trail scored for conversion stops there). */
  public List<String> funnel() {
    return funnel.stream().map(Pattern::pattern).toList();
  }

  public List<String> sessionIdParameters() {
    return sessionIdParameters;
  }

  /**
   * URL parameters whose values are credentials or personal data: never stored (taken out of URLs
   * and referrers, masked in quarantined lines). Lower case.
   */
  public List<String> sensitiveParameters() {
    return sensitiveParameters;
  }

  /** Assets: a listed path, or a path whose extension is listed. */
  public boolean isAsset(String path) {
    if (assetPaths.contains(path)) {
      return true;
    }
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    return dot > slash && assetExtensions.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  public List<String> botUserAgents() {
    return botUserAgents;
  }

  /** Inactivity after which the next event starts a new session. */
  public Duration sessionGap() {
    return sessionGap;
  }

  public Duration maxSessionDuration() {
    return maxSessionDuration;
  }

  public int maxSessionEvents() {
    return maxSessionEvents;
  }

  /** More events than {@link #burstEvents} within {@link #burstWindow} mark a session as a bot burst. */
  public int burstEvents() {
    return burstEvents;
  }

  public Duration burstWindow() {
    return burstWindow;
  }

  /** A session lasting this long is engaged. */
  public Duration engagedDuration() {
    return engagedDuration;
  }

  private static boolean matches(List<Pattern> patterns, String path) {
    for (Pattern pattern : patterns) {
      if (pattern.matcher(path).find()) {
        return true;
      }
    }
    return false;
  }
}
