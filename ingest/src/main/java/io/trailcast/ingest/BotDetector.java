package io.trailcast.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Flags bots by their user agent: the site's own tokens ({@code bot_user_agents}), then Yauaa's maintained robot
 * rules (nl.basjes.parse.useragent, {@link #LIBRARY}): an agent Yauaa classes as a robot, a robot on a phone, an
 * imitator of one or a hacker's is a bot. Behaviour (bursts) is judged later, at session time. A log holds few
 * distinct agents (a few thousand a day on a busy site), so each agent's answer is kept: the rules run once per
 * agent, not once per line (docs/BENCHMARKS.md, "Bot detection").
 */
public final class BotDetector implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The rules' library and version, as docs and reports name them. */
  public static final String LIBRARY = "yauaa " + nl.basjes.parse.useragent.Version.PROJECT_VERSION;
  /** Yauaa's device classes of agents that are not a person's browser. */
  static final Set<String> ROBOT_CLASSES = Set.of("Robot", "Robot Mobile", "Robot Imitator", "Hacker");
  /** Distinct agents remembered; past it the memory starts again (a log of forged agents cannot grow it). */
  static final int CACHE_LIMIT = 20_000;
  /** Longest agent whose answer is kept: with the limit above, at most ~10 M characters of keys. */
  static final int LONGEST_KEPT = 512;
  /** What {@link #reason} answers for a human agent, as the cache holds it (a map holds no null). */
  private static final String HUMAN = "";
  private final List<String> tokens;
  private transient ConcurrentHashMap<String, String> answers;

  public BotDetector(List<String> siteTokens) {
    List<String> all = new ArrayList<>();
    siteTokens.forEach(t -> all.add(t.toLowerCase(Locale.ROOT)));
    this.tokens = List.copyOf(all);
    Library.warmUp();
  }

  /**
   * Why the agent is a bot ({@code site_token:<token>}, {@code robot:<agent name>} as Yauaa names it,
   * {@code no_user_agent}), or null. An agent the format does not log (null) says nothing; one logged empty ("-")
   * is a script's.
   */
  public String reason(String userAgent) {
    if (userAgent == null) {
      return null;
    }
    if (userAgent.isBlank()) {
      return "no_user_agent";
    }
    ConcurrentHashMap<String, String> known = answers;
    if (known == null) {
      known = new ConcurrentHashMap<>();
      answers = known;
    }
    if (userAgent.length() > LONGEST_KEPT) {
      // A real browser's agent is a few hundred characters; a forged long one is answered but not kept.
      return scan(userAgent);
    }
    String answer = known.get(userAgent);
    if (answer == null) {
      if (known.size() >= CACHE_LIMIT) {
        known.clear();
      }
      String scanned = scan(userAgent);
      answer = scanned == null ? HUMAN : scanned;
      known.put(userAgent, answer);
    }
    return answer.isEmpty() ? null : answer;
  }

  /** The first of the site's tokens the agent contains, then Yauaa's verdict, as a reason; or null. */
  private String scan(String userAgent) {
    String lower = userAgent.toLowerCase(Locale.ROOT);
    for (String token : tokens) {
      if (lower.contains(token)) {
        return "site_token:" + token;
      }
    }
    UserAgentAnalyzer analyzer = Library.analyzer();
    UserAgent parsed;
    // The analyzer's matchers hold each parse's state: one parse at a time (answers are cached per agent).
    synchronized (analyzer) {
      parsed = analyzer.parse(userAgent);
    }
    if (ROBOT_CLASSES.contains(parsed.getValue(UserAgent.DEVICE_CLASS))) {
      return "robot:" + parsed.getValue(UserAgent.AGENT_NAME).toLowerCase(Locale.ROOT).replace(' ', '_');
    }
    return null;
  }

  /**
   * One analyzer per JVM, built once: loading Yauaa's rules takes 4-5 s of a core and some 150 MB, so it is started
   * in the background when the first detector is made (while Spark plans the job that will ask it), and asked
   * for the two fields that tell a robot only. Its own cache is off: the detector keeps each agent's answer.
   */
  private static final class Library {
    private static volatile java.util.concurrent.CompletableFuture<UserAgentAnalyzer> building;

    static void warmUp() {
      if (building == null) {
        synchronized (Library.class) {
          if (building == null) {
            building = java.util.concurrent.CompletableFuture.supplyAsync(() -> UserAgentAnalyzer.newBuilder()
                .withFields(UserAgent.DEVICE_CLASS, UserAgent.AGENT_NAME).withoutCache().withoutClientHintsCache()
                .hideMatcherLoadStats()
                .dropTests().immediateInitialization().build(), runnable -> {
                  Thread thread = new Thread(runnable, "yauaa-rules");
                  thread.setDaemon(true);
                  thread.start();
                });
          }
        }
      }
    }

    static UserAgentAnalyzer analyzer() {
      warmUp();
      return building.join();
    }
  }
}
