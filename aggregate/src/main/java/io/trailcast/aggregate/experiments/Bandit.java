package io.trailcast.aggregate.experiments;

import io.trailcast.aggregate.experiments.ExperimentDefinitions.Experiment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * The bandit of a landing-page experiment, as pure functions of what each variant earned: the Beta posterior of
 * its reward rate (a uniform prior), its credible interval, the probability that it is the best, and the weights
 * new visitors are drawn from under the experiment's policy, each variant kept at its minimum share. Weights stay
 * even until every variant has its minimum of sessions. A visitor's draw is a hash of the experiment and the
 * user, so the same weights always give the same user the same variant.
 */
public final class Bandit {
  /** Posterior draws behind a probability of being best: its sampling error is below 0.005. */
  static final int DRAWS = 20_000;

  private Bandit() {
  }

  /** What a variant earned: sessions that landed on it and those of them that earned the reward. */
  public record Arm(String variant, long sessions, long rewards) {
    public Arm {
      if (sessions < 0 || rewards < 0 || rewards > sessions) {
        throw new IllegalArgumentException("an arm needs 0 <= rewards <= sessions: " + rewards + " of " + sessions);
      }
    }

    /** The posterior mean of the reward rate, Beta(1 + rewards, 1 + sessions - rewards). */
    public double mean() {
      return (1.0 + rewards) / (2.0 + sessions);
    }

    /** The central credible interval of the reward rate holding {@code mass} of the posterior: {low, high}. */
    public double[] credible(double mass) {
      BetaDistribution beta = posterior(null);
      return new double[] {beta.inverseCumulativeProbability((1 - mass) / 2),
          beta.inverseCumulativeProbability(1 - (1 - mass) / 2)};
    }

    BetaDistribution posterior(RandomGenerator random) {
      return new BetaDistribution(random, 1.0 + rewards, 1.0 + sessions - rewards);
    }
  }

  /**
   * The probability that each arm has the highest reward rate, from {@link #DRAWS} joint draws of the posteriors
   * ({@code seed}: the same arms and seed give the same figures).
   */
  public static double[] probabilityBest(List<Arm> arms, long seed) {
    RandomGenerator random = new Well19937c(seed);
    List<BetaDistribution> posteriors = new ArrayList<>();
    arms.forEach(a -> posteriors.add(a.posterior(random)));
    double[] wins = new double[arms.size()];
    for (int d = 0; d < DRAWS; d++) {
      int best = 0;
      double top = -1;
      for (int i = 0; i < posteriors.size(); i++) {
        double draw = posteriors.get(i).sample();
        if (draw > top) {
          top = draw;
          best = i;
        }
      }
      wins[best]++;
    }
    for (int i = 0; i < wins.length; i++) {
      wins[i] /= DRAWS;
    }
    return wins;
  }

  /**
   * The share of new visitors each arm gets (in the experiment's variant order): even under {@code uniform} and
   * until every arm has {@code minSessions}; then Thompson sampling's probability of being best, or
   * epsilon-greedy's {@code 1 - epsilon} to the best posterior mean and {@code epsilon} spread evenly; every arm
   * keeps at least {@code minShare} (the rest is shared in the policy's proportions).
   */
  public static double[] weights(Experiment experiment, List<Arm> arms, long seed) {
    int k = arms.size();
    double[] even = new double[k];
    java.util.Arrays.fill(even, 1.0 / k);
    boolean sampled = arms.stream().allMatch(a -> a.sessions() >= experiment.minSessions());
    if (experiment.policy() == ExperimentDefinitions.Policy.UNIFORM || !sampled) {
      return even;
    }
    double[] preferred;
    if (experiment.policy() == ExperimentDefinitions.Policy.THOMPSON) {
      preferred = probabilityBest(arms, seed);
    } else {
      preferred = new double[k];
      int best = 0;
      for (int i = 1; i < k; i++) {
        best = arms.get(i).mean() > arms.get(best).mean() ? i : best;
      }
      for (int i = 0; i < k; i++) {
        preferred[i] = experiment.epsilon() / k + (i == best ? 1 - experiment.epsilon() : 0);
      }
    }
    double[] weights = new double[k];
    double free = 1 - k * experiment.minShare();
    for (int i = 0; i < k; i++) {
      weights[i] = experiment.minShare() + free * preferred[i];
    }
    return weights;
  }

  /** A seed that is a function of the arms: the same arms give the same probabilities and weights everywhere. */
  public static long seed(List<Arm> arms) {
    long seed = 17;
    for (Arm a : arms) {
      seed = seed * 1_000_003L + a.sessions();
      seed = seed * 1_000_003L + a.rewards();
    }
    return seed;
  }

  /** Where {@code user} falls in [0, 1) for {@code experiment}: a hash, the same on every server and every run. */
  public static double unit(String experiment, String user) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest((experiment + "\u0001" + user)
          .getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 7; i++) {
        bits = (bits << 8) | (digest[i] & 0xff);
      }
      return (bits >>> 3) / (double) (1L << 53);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The index of the arm whose cumulative share first passes {@code u} (the last one for rounding). */
  public static int pick(double[] weights, double u) {
    double cumulative = 0;
    for (int i = 0; i < weights.length; i++) {
      cumulative += weights[i];
      if (u < cumulative) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
