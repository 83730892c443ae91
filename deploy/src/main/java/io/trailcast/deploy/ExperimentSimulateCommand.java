package io.trailcast.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.core.TrailcastHome;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import io.trailcast.core.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast experiments simulate}: the closed loop of a landing-page experiment on simulated visitors. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Run a landing-page experiment in a closed loop: simulated visitors arrive (one every 6 s of "
          + "simulated time, from 2026-03-02 08:00 UTC), `serve` (in this process, over HTTP) picks each one's "
          + "variant, "
          + "the visitor lands on it and bounces with the variant's true probability, and each round's lines go "
          + "through the stream (a landing directory), which counts what the sessions earned as they end; serve "
          + "reweighs from those counts. The batch aggregate then reruns the days and its counts are compared with "
          + "the stream's.",
        "Prints each variant's share of the traffic (all, second half), its true and found reward rates (not "
            + "bounced) with the 95-per-cent interval, its probability of being the best and final weight, the "
            + "cumulative regret against always showing the best variant and the uniform split's expected regret. "
            + "Writes the experiment and site config (for `experiments show NAME --site-config`) and the truth "
            + "(truth/visitors.csv: each visitor's variant and bounce) under --work."})
public final class ExperimentSimulateCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  SaltOption salt;

  @Option(names = "--variants", required = true, paramLabel = "P1,P2,...", split = ",",
      description = "Each variant's true bounce probability, in [0, 1]; two or more.")
  List<Double> variants;

  @Option(names = "--visitors", paramLabel = "N", defaultValue = "20000",
      description = "Visitors to simulate. Default: ${DEFAULT-VALUE}.")
  int visitors;

  @Option(names = "--policy", paramLabel = "P", defaultValue = "thompson",
      description = "thompson, epsilon-greedy or uniform. Default: ${DEFAULT-VALUE}.")
  String policy;

  @Option(names = "--round", paramLabel = "N", defaultValue = "250",
      description = "Visitors per round: the stream takes each round's lines in before the next round is served. "
          + "Default: ${DEFAULT-VALUE}.")
  int round;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the visitors' bounces. "
      + "Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--work", paramLabel = "DIR",
      description = "Where the run's files go (landing directory, checkpoint, configs, truth). Default: "
          + "var/experiments/simulate-<time>.")
  Path work;

  @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table or json.")
  OutputFormat format;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (variants.size() < 2 || variants.stream().anyMatch(p -> p == null || p < 0 || p > 1)) {
      throw new UserException("--variants needs two or more bounce probabilities within [0, 1], e.g. 0.55,0.45,0.40");
    }
    if (visitors < 1 || round < 1) {
      throw new UserException("--visitors and --round must be at least 1");
    }
    ExperimentDefinitions.Policy chosen = ExperimentDefinitions.Policy.parse(policy);
    double[] bounce = variants.stream().mapToDouble(Double::doubleValue).toArray();
    Path dir = work != null ? work : TrailcastHome.varDir().resolve("experiments/simulate-"
        + System.currentTimeMillis());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExperimentSimulation.Result r;
    try (Store store = cluster.store()) {
      r = ExperimentSimulation.run(SparkSessions.create("experiments simulate", store.target()), store,
          salt.resolve(store.target()), new ExperimentSimulation.Config(bounce, visitors, chosen, seed, round, dir),
          line -> {
            err.println("[experiments] " + line);
            err.flush();
          });
    }
    if (format == OutputFormat.JSON) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("experiment", r.experiment());
      json.put("policy", r.policy().key());
      json.put("visitors", r.visitors());
      json.put("rounds", r.rounds());
      json.put("regret", r.regret());
      json.put("uniform_regret", r.uniformRegret());
      json.put("batch_equals_stream", r.batchEqualsStream());
      json.put("seconds", r.millis() / 1000.0);
      json.put("assign_p50_ms", r.assignP50Ms());
      json.put("assign_p99_ms", r.assignP99Ms());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ExperimentSimulation.VariantResult v : r.variants()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("variant", v.variant());
        row.put("url", v.url());
        row.put("true_rate", v.trueRate());
        row.put("visitors", v.visitors());
        row.put("share", v.share());
        row.put("second_half_share", v.secondHalfShare());
        row.put("sessions", v.sessions());
        row.put("rewards", v.rewards());
        row.put("found_rate", v.foundRate());
        row.put("low", v.low());
        row.put("high", v.high());
        row.put("p_best", v.probabilityBest());
        row.put("weight", v.weight());
        rows.add(row);
      }
      json.put("variants", rows);
      json.put("site_config", r.siteConfig().toString());
      json.put("truth", r.truth().toString());
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    } else {
      out.printf(Locale.ROOT, "[experiments] %s: %,d visitors in %d rounds, policy %s, %.0f s; serve assigned a new "
              + "visitor in %.1f ms (p50), %.1f ms (p99)%n", r.experiment(), r.visitors(), r.rounds(),
          r.policy().key(), r.millis() / 1000.0, r.assignP50Ms(), r.assignP99Ms());
      List<List<Object>> rows = new ArrayList<>();
      for (ExperimentSimulation.VariantResult v : r.variants()) {
        rows.add(List.of(v.variant(), v.url(), ExperimentsCommand.round(v.trueRate()), v.visitors(),
            ExperimentsCommand.round(v.share()), ExperimentsCommand.round(v.secondHalfShare()), v.sessions(),
            ExperimentsCommand.round(v.foundRate()), String.format(Locale.ROOT, "[%.3f, %.3f]", v.low(), v.high()),
            ExperimentsCommand.round(v.probabilityBest()), ExperimentsCommand.round(v.weight())));
      }
      RowPrinter.print(out, OutputFormat.TABLE, List.of("variant", "url", "true_rate", "visitors", "share",
          "share_2nd_half", "sessions", "found_rate", "ci95", "p_best", "weight"), rows);
      out.printf(Locale.ROOT, "cumulative regret %.1f (the uniform split's expected regret: %.1f)%n", r.regret(),
          r.uniformRegret());
      out.println(r.batchEqualsStream() ? "batch rerun of the days: the same sessions and rewards per variant as the "
          + "stream's" : "batch rerun DIFFERS from the stream: " + r.batchDifference());
      out.println("truth: " + r.truth() + "; see it again: bin/trailcast experiments show " + r.experiment()
          + " --site-config " + r.siteConfig());
    }
    out.flush();
    return r.batchEqualsStream() ? 0 : 1;
  }
}
