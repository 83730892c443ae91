// The bandit's policies on issue 21's experiment, without the site in the loop: three variants whose true bounce
// is 0.55 / 0.45 / 0.40 (reward: not bounced), VISITORS visitors each drawn from the weights of the sessions so
// far (reweighted every 250 visitors), SEEDS seeds; prints per policy the mean regret, its range, and the share of
// the second half's traffic on the best variant. Run from the checkout root after `mvn -B -DskipTests package`:
//   jshell --class-path "$(cat deploy/spark-runtime/target/spark.classpath):deploy/target/trailcast-jobs.jar" \
//     bench/bandit-policies.jsh
import io.trailcast.aggregate.experiments.*;
import java.util.*;
import java.util.regex.Pattern;
int visitors = Integer.parseInt(System.getenv().getOrDefault("VISITORS", "20000"));
int seeds = Integer.parseInt(System.getenv().getOrDefault("SEEDS", "20"));
double[] reward = {0.45, 0.55, 0.60};
for (var policy : ExperimentDefinitions.Policy.values()) {
  var experiment = new ExperimentDefinitions.Experiment("e", Pattern.compile("/"), List.of(
      new ExperimentDefinitions.Variant("a", "/"), new ExperimentDefinitions.Variant("b", "/?v=b"),
      new ExperimentDefinitions.Variant("c", "/?v=c")), ExperimentDefinitions.Reward.NOT_BOUNCED, policy, 0.1, 0.05,
      100);
  double[] regrets = new double[seeds];
  double lateBest = 0;
  for (int seed = 1; seed <= seeds; seed++) {
    var random = new SplittableRandom(seed);
    long[] sessions = new long[3];
    long[] rewards = new long[3];
    double regret = 0;
    long late = 0;
    double[] weights = null;
    for (int v = 0; v < visitors; v++) {
      if (v % 250 == 0) {
        var arms = new ArrayList<Bandit.Arm>();
        for (int i = 0; i < 3; i++) {
          arms.add(new Bandit.Arm("v" + i, sessions[i], rewards[i]));
        }
        weights = Bandit.weights(experiment, arms, seed * 1_000_003L + v);
      }
      int arm = Bandit.pick(weights, random.nextDouble());
      sessions[arm]++;
      rewards[arm] += random.nextDouble() < reward[arm] ? 1 : 0;
      regret += 0.60 - reward[arm];
      late += v >= visitors / 2 && arm == 2 ? 1 : 0;
    }
    regrets[seed - 1] = regret;
    lateBest += late / (double) (visitors - visitors / 2) / seeds;
  }
  Arrays.sort(regrets);
  System.out.printf("%-15s regret mean %6.0f (min %5.0f, median %5.0f, max %5.0f); best variant's share of the second half %.3f%n",
      policy.key(), Arrays.stream(regrets).average().orElse(0), regrets[0], regrets[seeds / 2], regrets[seeds - 1], lateBest);
}
/exit
