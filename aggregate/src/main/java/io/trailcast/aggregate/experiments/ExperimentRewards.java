package io.trailcast.aggregate.experiments;

import io.trailcast.aggregate.experiments.ExperimentDefinitions.Experiment;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Variant;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What one session earns the variant it landed on, the one rule the batch aggregate and the stream both apply
 * (docs/experiments.md): a human session with a pageview whose landing page (path and query) matches an
 * experiment's landing pattern and is one of its variants' URLs counts one session for that variant, and one
 * reward when it earned the experiment's reward (not bounced, engaged or converted, as docs/definitions.md
 * defines them).
 */
public final class ExperimentRewards {
  private ExperimentRewards() {
  }

  /** A variant of an experiment on one day (the session's day in the site time zone). */
  public record Key(String experiment, LocalDate day, String variant) implements Serializable {
  }

  /**
   * Adds {@code count} sessions that landed on {@code landingPage} (as stored: host/path?query) and share the
   * given outcome to the counts of the variants they landed on: {sessions, rewards} per key.
   */
  public static void add(Map<Key, long[]> into, List<Experiment> experiments, LocalDate day, String landingPage,
      int depth, boolean bot, boolean bounced, boolean engaged, boolean converted, long count) {
    if (landingPage == null || bot || depth < 1 || count == 0) {
      return;
    }
    String pathAndQuery = pathAndQuery(landingPage);
    for (Experiment e : experiments) {
      Variant variant = e.variantOf(pathAndQuery);
      if (variant == null || !e.landing().matcher(pathAndQuery).find()) {
        continue;
      }
      boolean rewarded = switch (e.reward()) {
        case NOT_BOUNCED -> !bounced;
        case ENGAGED -> engaged;
        case CONVERTED -> converted;
      };
      long[] counts = into.computeIfAbsent(new Key(e.name(), day, variant.id()), k -> new long[2]);
      counts[0] += count;
      counts[1] += rewarded ? count : 0;
    }
  }

  /** The path and query of a stored landing page: what follows its host. */
  static String pathAndQuery(String landingPage) {
    int slash = landingPage.indexOf('/');
    return slash < 0 ? "/" : landingPage.substring(slash);
  }
}
