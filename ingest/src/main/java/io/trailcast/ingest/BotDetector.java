package io.trailcast.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flags bots by their user agent: a maintained list of tokens (bots.txt) plus the site's own.
 * Behaviour (bursts) is judged later, at session time. A log holds few distinct agents (a few
 * thousand a day on a busy site), so each agent's answer is kept: the token scan runs once per
 * agent, not once per line (docs/BENCHMARKS.md, "Bot detection").
 */
public final class BotDetector implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Distinct agents remembered; past it the memory starts again (a log of forged agents cannot grow it). */
  static final int CACHE_LIMIT = 20_000;
  /** Longest agent whose answer is kept: with the limit above, at most ~10 M characters of keys. */
  static final int LONGEST_KEPT = 512;
  /** What {@link #reason} answers for a human agent, as the cache holds it (a map holds no null). */
  private static final String HUMAN = "";
  private final List<String> tokens;
  private transient ConcurrentHashMap<String, String> answers;

  public BotDetector(List<String> extraTokens) {
    List<String> all = new ArrayList<>(maintained());
    extraTokens.forEach(t -> all.add(t.toLowerCase(Locale.ROOT)));
    this.tokens = List.copyOf(all);
  }

  /**
   * Why the agent is a bot ({@code user_agent:<token>}, {@code no_user_agent}), or null. An agent
   * the format does not log (null) says nothing; one logged empty ("-") is a script's.
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

  /** The first token of the list the agent contains, as a reason, or null. */
  private String scan(String userAgent) {
    String lower = userAgent.toLowerCase(Locale.ROOT);
    for (String token : tokens) {
      if (lower.contains(token)) {
        return "user_agent:" + token;
      }
    }
    return null;
  }

  private static List<String> maintained() {
    List<String> tokens = new ArrayList<>();
    try (InputStream in = BotDetector.class.getResourceAsStream("bots.txt");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String token = line.trim();
        if (!token.isEmpty() && !token.startsWith("#")) {
          tokens.add(token.toLowerCase(Locale.ROOT));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tokens;
  }
}
