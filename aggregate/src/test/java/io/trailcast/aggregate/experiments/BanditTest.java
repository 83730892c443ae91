package io.trailcast.aggregate.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.aggregate.experiments.Bandit.Arm;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Experiment;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Policy;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Reward;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The bandit's posteriors, weights and draws on hand-made arms, and the policies on a simulated experiment. */
class BanditTest {
  private static Experiment experiment(Policy policy, double minShare, long minSessions) {
    return new Experiment("e", Pattern.compile("/"), List.of(new Variant("a", "/"), new Variant("b", "/?v=b"),
        new Variant("c", "/?v=c")), Reward.NOT_BOUNCED, policy, 0.1, minShare, minSessions);
  }

  @Test
  void posteriorsOfHandMadeArms() {
    Arm arm = new Arm("a", 98, 48);
    assertEquals(0.49, arm.mean(), 1e-12, "Beta(49, 51)");
    double[] interval = arm.credible(0.95);
    // Beta(49, 51): mean 0.49, sd 0.0497; the 95 % interval is about mean -/+ 1.96 sd.
    assertEquals(0.392, interval[0], 0.003);
    assertEquals(0.587, interval[1], 0.003);
    assertEquals(0.5, new Arm("x", 0, 0).mean(), 1e-12, "no data: the uniform prior");
    assertThrows(IllegalArgumentException.class, () -> new Arm("x", 3, 4));
  }

  @Test
  void probabilityOfBeingBest() {
    double[] equal = Bandit.probabilityBest(List.of(new Arm("a", 100, 50), new Arm("b", 100, 50)), 1);
    assertEquals(0.5, equal[0], 0.015);
    assertEquals(1.0, equal[0] + equal[1], 1e-12);
    double[] clear = Bandit.probabilityBest(List.of(new Arm("a", 1000, 400), new Arm("b", 1000, 600),
        new Arm("c", 1000, 450)), 1);
    assertTrue(clear[1] > 0.999, java.util.Arrays.toString(clear));
    // Two close arms: P(b > a) for Beta(56, 46) against Beta(46, 56), whose difference is about normal with mean
    // 0.098 and sd 0.0697: 0.92.
    double[] close = Bandit.probabilityBest(List.of(new Arm("a", 100, 45), new Arm("b", 100, 55)), 7);
    assertEquals(0.92, close[1], 0.01);
    assertArrayEquals(close, Bandit.probabilityBest(List.of(new Arm("a", 100, 45), new Arm("b", 100, 55)), 7),
        "seeded: the same figures");
  }

  @Test
  void weightsStayEvenUntilEveryArmHasItsSessionsThenFollowThePolicyAboveTheMinimumShare() {
    List<Arm> early = List.of(new Arm("a", 500, 100), new Arm("b", 500, 400), new Arm("c", 99, 90));
    assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, Bandit.weights(experiment(Policy.THOMPSON, 0.05,
        100), early, 1), 1e-12);
    List<Arm> arms = List.of(new Arm("a", 500, 100), new Arm("b", 500, 400), new Arm("c", 500, 250));
    assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, Bandit.weights(experiment(Policy.UNIFORM, 0.05,
        100), arms, 1), 1e-12);
    double[] thompson = Bandit.weights(experiment(Policy.THOMPSON, 0.05, 100), arms, 1);
    assertArrayEquals(new double[] {0.05, 0.90, 0.05}, thompson, 1e-9, "b is best beyond doubt: all but the "
        + "minimum shares");
    double[] greedy = Bandit.weights(experiment(Policy.EPSILON_GREEDY, 0.05, 100), arms, 1);
    double spread = 0.05 + 0.85 * 0.1 / 3;
    assertArrayEquals(new double[] {spread, 0.05 + 0.85 * (0.1 / 3 + 0.9), spread}, greedy, 1e-12);
    assertEquals(1.0, greedy[0] + greedy[1] + greedy[2], 1e-12);
  }

  @Test
  void aUserAlwaysFallsInTheSamePlaceAndDrawsFollowTheWeights() {
    assertEquals(Bandit.unit("home-hero", "u1"), Bandit.unit("home-hero", "u1"));
    assertTrue(Bandit.unit("home-hero", "u1") != Bandit.unit("other", "u1"), "each experiment draws apart");
    double[] weights = {0.2, 0.5, 0.3};
    assertEquals(0, Bandit.pick(weights, 0.0));
    assertEquals(0, Bandit.pick(weights, 0.1999));
    assertEquals(1, Bandit.pick(weights, 0.2));
    assertEquals(2, Bandit.pick(weights, 0.9999999));
    int[] counts = new int[3];
    for (int u = 0; u < 30_000; u++) {
      counts[Bandit.pick(weights, Bandit.unit("e", "user-" + u))]++;
    }
    // Binomial sampling error: sd of a share below 0.003 at 30,000 users.
    assertEquals(0.2, counts[0] / 30_000.0, 0.01);
    assertEquals(0.5, counts[1] / 30_000.0, 0.01);
  }

  /**
   * The experiment without the site in the loop: three variants whose true bounce is 0.55, 0.45 and 0.40,
   * 20,000 visitors each sent to the variant drawn from the weights of the sessions ended so far (reweighted every
   * 250 visitors), over five seeds. Thompson sampling sends most of the second half to the best variant, and its
   * regret (rewards lost against always showing the best) is well below the even split's and epsilon-greedy's.
   */
  @Test
  void thompsonSamplingFindsTheBestVariantWithTheLeastRegret() {
    double[] reward = {0.45, 0.55, 0.60};
    double[] regret = new double[3];
    double bestShareLateThompson = 0;
    Policy[] policies = {Policy.THOMPSON, Policy.EPSILON_GREEDY, Policy.UNIFORM};
    for (int seed = 1; seed <= 5; seed++) {
      for (int p = 0; p < policies.length; p++) {
        double[] run = simulate(experiment(policies[p], 0.05, 100), reward, 20_000, seed);
        regret[p] += run[0] / 5;
        if (policies[p] == Policy.THOMPSON) {
          bestShareLateThompson += run[1] / 5;
        }
      }
    }
    // Uniform loses (0.60 - 0.45 + 0.60 - 0.55) / 3 per visitor: 1,333 over 20,000.
    assertEquals(1333, regret[2], 120, "uniform");
    assertTrue(bestShareLateThompson > 0.7, "best variant's share of the second half: " + bestShareLateThompson);
    assertTrue(regret[0] < 0.5 * regret[2] && regret[0] < regret[1], "regret thompson " + regret[0]
        + ", epsilon-greedy " + regret[1] + ", uniform " + regret[2]);
  }

  /** {regret, the best variant's share of the second half} of one simulated run. */
  private static double[] simulate(Experiment experiment, double[] reward, int visitors, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] sessions = new long[reward.length];
    long[] rewards = new long[reward.length];
    double best = java.util.Arrays.stream(reward).max().orElseThrow();
    double regret = 0;
    long bestLate = 0;
    double[] weights = null;
    for (int v = 0; v < visitors; v++) {
      if (v % 250 == 0) {
        List<Arm> arms = new ArrayList<>();
        for (int i = 0; i < reward.length; i++) {
          arms.add(new Arm(experiment.variants().get(i).id(), sessions[i], rewards[i]));
        }
        weights = Bandit.weights(experiment, arms, seed * 1_000_003L + v);
      }
      int arm = Bandit.pick(weights, random.nextDouble());
      sessions[arm]++;
      rewards[arm] += random.nextDouble() < reward[arm] ? 1 : 0;
      regret += best - reward[arm];
      bestLate += v >= visitors / 2 && reward[arm] == best ? 1 : 0;
    }
    return new double[] {regret, bestLate / (double) (visitors - visitors / 2)};
  }
}
