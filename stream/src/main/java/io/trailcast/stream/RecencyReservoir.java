package io.trailcast.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * A biased reservoir of session outcomes (Aggarwal, "On biased reservoir sampling in the presence of
 * stream evolution", VLDB 2006): capacity n; each new session enters, replacing a random member with
 * probability equal to the fill fraction, else added. A session r sessions old is still in it with
 * probability about e^(-r/n): the bounce rate of the sample weighs recent sessions most, with no
 * clock and O(n) memory. The random draws come from the caller (a hash of the session id), so a
 * replayed micro-batch gives the same sample.
 */
public final class RecencyReservoir {
  private final int capacity;
  private final List<Boolean> sample;
  private long seen;

  public RecencyReservoir(int capacity, List<Boolean> sample, long seen) {
    if (capacity < 1) {
      throw new IllegalArgumentException("reservoir capacity must be positive");
    }
    this.capacity = capacity;
    this.sample = new ArrayList<>(sample.subList(0, Math.min(sample.size(), capacity)));
    this.seen = seen;
  }

  /**
   * Adds one session's outcome; {@code u} and {@code v} are uniform in [0, 1): whether to replace,
   * and which member.
   */
  public void add(boolean bounced, double u, double v) {
    seen++;
    double fill = (double) sample.size() / capacity;
    if (u < fill) {
      sample.set(Math.min(sample.size() - 1, (int) (v * sample.size())), bounced);
    } else {
      sample.add(bounced);
    }
  }

  /** Bounced sessions ÷ sessions in the sample; null when it is empty. */
  public Double bounceRate() {
    if (sample.isEmpty()) {
      return null;
    }
    long bounced = sample.stream().filter(b -> b).count();
    return (double) bounced / sample.size();
  }

  public List<Boolean> sample() {
    return List.copyOf(sample);
  }

  public long seen() {
    return seen;
  }

  /** Two uniform draws in [0, 1) from a session id: deterministic, independent of arrival order. */
  public static double[] draws(String sessionId) {
    long h = murmurMix(sessionId.hashCode() * 0x9E3779B97F4A7C15L);
    long g = murmurMix(h ^ 0xC2B2AE3D27D4EB4FL);
    return new double[] {(h >>> 11) * 0x1.0p-53, (g >>> 11) * 0x1.0p-53};
  }

  private static long murmurMix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
