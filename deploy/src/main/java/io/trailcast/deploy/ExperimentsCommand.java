package io.trailcast.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailcast.aggregate.experiments.Bandit;
import io.trailcast.aggregate.experiments.ExperimentArms;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.aggregate.experiments.ExperimentDefinitions.Experiment;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.PrintWriter;
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
import picocli.CommandLine.Parameters;

/** {@code trailcast experiments}: landing-page experiments, their variants' figures, and the closed loop. */
@Command(name = "experiments", mixinStandardHelpOptions = true,
    description = "Landing-page experiments (the site config's experiments file, docs/experiments.md): what each "
        + "variant earned, its reward rate with a credible interval, its probability of being the best and its "
        + "current share of new visitors; and a simulated closed loop.",
    subcommands = {ExperimentsCommand.ListExperiments.class, ExperimentsCommand.Show.class,
        ExperimentSimulateCommand.class})
public final class ExperimentsCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, show or simulate");
  }

  /** Mass of the credible intervals printed. */
  static final double CREDIBLE = 0.95;

  /** One variant's figures as stored now. */
  record VariantFigures(String variant, String url, long assigned, long sessions, long rewards, double rate,
      double low, double high, double probabilityBest, double weight) {
  }

  /** An experiment's figures: its variants', and how many of its days came from the batch and the stream. */
  record Figures(Experiment experiment, List<VariantFigures> variants, int batchDays, int liveDays, String firstDay,
      String lastDay) {
    long sessions() {
      return variants.stream().mapToLong(VariantFigures::sessions).sum();
    }

    VariantFigures leader() {
      return variants.stream().max(java.util.Comparator.comparingDouble(VariantFigures::probabilityBest))
          .orElseThrow();
    }
  }

  /** What {@code experiment}'s variants earned, as stored in {@code keyspace}, and the weights it gives. */
  static Figures figures(CqlSession cql, String keyspace, Experiment experiment) {
    List<ExperimentArms.Day> days = ExperimentArms.days(cql, keyspace, experiment.name());
    List<Bandit.Arm> arms = ExperimentArms.arms(experiment, days);
    long seed = Bandit.seed(arms);
    double[] best = Bandit.probabilityBest(arms, seed);
    double[] weights = Bandit.weights(experiment, arms, seed);
    Map<String, Long> assigned = ExperimentArms.assigned(cql, keyspace, experiment.name());
    List<VariantFigures> variants = new ArrayList<>();
    for (int i = 0; i < arms.size(); i++) {
      Bandit.Arm a = arms.get(i);
      double[] interval = a.credible(CREDIBLE);
      variants.add(new VariantFigures(a.variant(), experiment.variants().get(i).url(),
          assigned.getOrDefault(a.variant(), 0L), a.sessions(), a.rewards(), a.mean(), interval[0], interval[1],
          best[i], weights[i]));
    }
    int batch = (int) days.stream().filter(d -> d.source().equals("batch")).count();
    return new Figures(experiment, variants, batch, days.size() - batch,
        days.isEmpty() ? null : days.get(0).day().toString(), days.isEmpty() ? null : days.get(days.size() - 1).day()
        .toString());
  }

  /** One line per experiment for the pipeline and the demo: sessions, the leader and the shares. */
  static List<String> lines(CqlSession cql, String keyspace, ExperimentDefinitions experiments) {
    List<String> lines = new ArrayList<>();
    for (Experiment e : experiments.experiments()) {
      Figures f = figures(cql, keyspace, e);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s (%s, %s): %,d sessions;", e.name(),
          e.reward().key(), e.policy().key(), f.sessions()));
      for (VariantFigures v : f.variants()) {
        line.append(String.format(Locale.ROOT, " %s %.3f [%.3f, %.3f] P(best) %.2f share %.2f;", v.variant(),
            v.rate(), v.low(), v.high(), v.probabilityBest(), v.weight()));
      }
      lines.add(line.substring(0, line.length() - 1));
    }
    return lines;
  }

  /** The site config, whose experiments file is the one read. */
  static ExperimentDefinitions defined(SiteOption site) {
    ExperimentDefinitions defined = ExperimentDefinitions.of(site.load());
    if (defined.isEmpty()) {
      throw new UserException("the site config names no experiments file: give --site-config FILE whose key "
          + "'experiments' names one (docs/experiments.md)");
    }
    return defined;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Every experiment of the site config's experiments file: reward, policy, variants, sessions so "
          + "far, the variant most likely to be the best and that probability, and the days counted.")
  static final class ListExperiments implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    SiteOption site;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table, csv or json.")
    OutputFormat format;

    @Override
    public Integer call() {
      ExperimentDefinitions defined = defined(site);
      List<List<Object>> rows = new ArrayList<>();
      try (Store store = cluster.store()) {
        for (Experiment e : defined.experiments()) {
          Figures f = figures(store.cql(), store.target().keyspace(), e);
          VariantFigures leader = f.leader();
          // Before any session, every variant is as likely the best: no leader.
          boolean any = f.sessions() > 0;
          rows.add(List.of(e.name(), e.reward().key(), e.policy().key(), e.variants().size(), f.sessions(),
              any ? leader.variant() : "", any ? round(leader.probabilityBest()) : "",
              f.firstDay() == null ? "" : f.firstDay(),
              f.lastDay() == null ? "" : f.lastDay()));
        }
      }
      RowPrinter.print(spec.commandLine().getOut(), format, List.of("experiment", "reward", "policy", "variants",
          "sessions", "leader", "p_best", "first_day", "last_day"), rows);
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One experiment, per variant: URL, visitors assigned by serve, sessions that landed on it, "
          + "rewards, reward rate (posterior mean) with its 95-per-cent credible interval, probability of being the "
          + "best and current share of new visitors.")
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    SiteOption site;

    @Parameters(paramLabel = "NAME", description = "The experiment, e.g. home-hero.")
    String name;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table, csv or json.")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
      Experiment e = defined(site).named(name);
      Figures f;
      try (Store store = cluster.store()) {
        f = figures(store.cql(), store.target().keyspace(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", e.name());
        json.put("reward", e.reward().key());
        json.put("policy", e.policy().key());
        json.put("min_share", e.minShare());
        json.put("min_sessions", e.minSessions());
        json.put("batch_days", f.batchDays());
        json.put("live_days", f.liveDays());
        List<Map<String, Object>> variants = new ArrayList<>();
        for (VariantFigures v : f.variants()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("variant", v.variant());
          row.put("url", v.url());
          row.put("assigned", v.assigned());
          row.put("sessions", v.sessions());
          row.put("rewards", v.rewards());
          row.put("rate", v.rate());
          row.put("low", v.low());
          row.put("high", v.high());
          row.put("p_best", v.probabilityBest());
          row.put("weight", v.weight());
          variants.add(row);
        }
        json.put("variants", variants);
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        out.flush();
        return 0;
      }
      if (format == OutputFormat.TABLE) {
        out.printf(Locale.ROOT, "%s: reward %s, policy %s (min share %.2f, min sessions %d); %d days from the batch, "
                + "%d from the stream%s%n", e.name(), e.reward().key(), e.policy().key(), e.minShare(),
            e.minSessions(), f.batchDays(), f.liveDays(), f.firstDay() == null ? "" : " (" + f.firstDay() + ".."
                + f.lastDay() + ")");
      }
      List<List<Object>> rows = new ArrayList<>();
      for (VariantFigures v : f.variants()) {
        rows.add(List.of(v.variant(), v.url(), v.assigned(), v.sessions(), v.rewards(), round(v.rate()),
            round(v.low()), round(v.high()), round(v.probabilityBest()), round(v.weight())));
      }
      RowPrinter.print(out, format, List.of("variant", "url", "assigned", "sessions", "rewards", "rate", "low",
          "high", "p_best", "weight"), rows);
      return 0;
    }
  }

  /** Four decimals: what a reader compares. */
  static double round(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }
}
