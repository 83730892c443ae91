package io.trailcast.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.TrailcastHome;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.models.AfterActions;
import io.trailcast.models.ConversionModel;
import io.trailcast.models.FeatureTable;
import io.trailcast.models.ModelJob;
import io.trailcast.models.ModelRegistry;
import io.trailcast.models.TrailScorer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Parameters;

/** {@code trailcast model train|evaluate|list|show|score}: the conversion model (docs/models.md). */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = "The conversion model (docs/models.md): train an MLlib classifier on session trails (or on a "
        + "feature table you bring), compare it with the simulator's truth, list and show versions, score sessions "
        + "into conversion_scores.",
    subcommands = {ModelCommand.Train.class, ModelCommand.Evaluate.class, ModelCommand.ListModels.class,
        ModelCommand.Show.class, ModelCommand.Score.class})
public final class ModelCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train on the trails of --from..--to (sessions cut before a conversion or funnel page): the "
          + "earlier two thirds of the days fit each model family (--family) with a 3-fold cross-validated search "
          + "and keep the best, the later days "
          + "evaluate it (roc_auc, pr_auc, log_loss, accuracy at the threshold with the best training F1, "
          + "calibration, top features, the AUC of the score after each of a visit's first 10 actions). Saves the "
          + "Spark ML pipeline, records it in `models` and prints its version "
          + "as the last line. With --features FILE.csv --label COLUMN it trains the same way on a table you bring "
          + "(one row per visitor or account, separated by commas, semicolons or tabs; a random two thirds train).")
  static final class Train implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    /** The days of sessions to train on (required without --features). */
    @Mixin
    OptionalDaysOptions days;

    @Option(names = "--features", paramLabel = "FILE.csv",
        description = "Train on this CSV (header row) instead of session trails: numeric columns are quantities "
            + "(missing ones get the median), text columns and --categorical ones are categories.")
    Path features;

    @Option(names = "--label", paramLabel = "COLUMN",
        description = "With --features: the label column (1/0, true/false, yes/no, or a number: above 0 converted). "
            + "Rows with another value are counted and left out.")
    String label;

    @Option(names = "--categorical", paramLabel = "C,...", split = ",",
        description = "With --features: numeric columns that are codes (occupation 1..6), one-hot encoded.")
    List<String> categorical = new ArrayList<>();

    @Option(names = "--ignore", paramLabel = "C,...", split = ",",
        description = "With --features: columns left out (ids, free text).")
    List<String> ignore = new ArrayList<>();

    @Option(names = {"--family", "--algorithm"}, paramLabel = "F", defaultValue = "all",
        description = "all (logistic regression, gradient-boosted trees and a multilayer perceptron, each with a "
            + "small grid; the best cross-validated ROC AUC is kept, the others' figures recorded beside it; auto "
            + "reads the same), or one of logistic, gbt, mlp. Default: ${DEFAULT-VALUE}.")
    String family;

    @Option(names = "--class-weight", paramLabel = "W", defaultValue = "none",
        description = "none (scores stay probabilities; the rare class is served by the decision threshold with the "
            + "best training F1) or balanced (the rare class weighted up to weigh as much as the other). Default: "
            + "${DEFAULT-VALUE}.")
    String classWeight;

    @Option(names = "--min-pageviews", paramLabel = "N", defaultValue = "2",
        description = "Trails with fewer pageviews get no score and are not trained on (default: ${DEFAULT-VALUE}).")
    int minPageviews;

    @Mixin
    SiteOption siteConfig;

    @Option(names = "--out", paramLabel = "DIR", description = "Where models go (default: var/models/conversion).")
    Path out;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
        description = "table or json (metrics under roc_auc, pr_auc, log_loss, accuracy). Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
      ConversionModel.Settings settings = new ConversionModel.Settings(family, classWeight);
      Path models = out == null ? TrailcastHome.varDir().resolve("models/conversion") : out;
      PrintWriter print = spec.commandLine().getOut();
      ModelJob.Trained trained;
      if (features != null) {
        if (label == null) {
          throw new UserException("--features needs --label COLUMN: the column that says converted or not");
        }
        if (days.given() || days.to != null) {
          throw new UserException("--from/--to choose session days; a --features table has no days");
        }
        try (Store store = cluster.store()) {
          FeatureTable.Table table = FeatureTable.read(SparkSessions.create("model train", store.target()), features,
              label, Set.copyOf(categorical), Set.copyOf(ignore));
          if (format != OutputFormat.JSON) {
            print.println(features.getFileName() + ": " + FeatureTable.describe(table));
          }
          trained = ModelJob.train(store, table, features.toAbsolutePath().toString(), settings, models);
        }
      } else {
        if (!days.given()) {
          throw new UserException("give --from D --to D (the session days to train on), or --features FILE.csv");
        }
        SiteConfig site = siteConfig.load();
        try (Store store = cluster.store()) {
          trained = ModelJob.train(SparkSessions.create("model train", store.target()), store, days.from(),
              days.to(), settings, site.funnel(), minPageviews, models);
        }
      }
      ConversionModel.Metrics m = trained.metrics();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", trained.version());
        json.put("algorithm", trained.fitted().algorithm());
        json.putAll(m.asMap());
        json.put("params", trained.fitted().params());
        json.put("families", trained.families());
        print.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
      } else {
        if (trained.splitDay() == null) {
          print.printf(Locale.ROOT, "%s: trained on %,d rows, evaluated on the other %,d (%,d converted); %.0f s%n",
              trained.fitted().algorithm(), trained.trainRows(), m.n(), m.positives(), trained.seconds());
        } else {
          print.printf(Locale.ROOT, "%s: trained on %,d trails before %s, evaluated on %,d (%,d converted) from %s "
                  + "on; %.0f s%n", trained.fitted().algorithm(), trained.trainRows(), trained.splitDay(), m.n(),
              m.positives(), trained.splitDay(), trained.seconds());
        }
        print.printf(Locale.ROOT, "roc_auc %.4f  pr_auc %.4f  log_loss %.4f  accuracy %.4f at threshold %.2f  "
            + "(cross-validated roc_auc %.4f, params %s)%n", m.rocAuc(), m.prAuc(), m.logLoss(), m.accuracy(),
            m.threshold(), trained.fitted().cvAuc(), trained.fitted().params());
        print.println("calibration (predicted bin: " + (trained.splitDay() == null ? "rows" : "trails")
            + ", mean predicted, observed rate):");
        for (double[] bin : m.calibration()) {
          print.printf(Locale.ROOT, "  %.1f-%.1f: %,6.0f  %.3f  %.3f%n", bin[0], bin[0] + 0.1, bin[1], bin[2], bin[3]);
        }
        printFamilies(print, trained.families(), trained.fitted().algorithm());
        print.println("top features: " + trained.topFeatures().stream()
            .map(e -> String.format(Locale.ROOT, "%s %+.3f", e.getKey(), e.getValue())).toList());
      }
      print.println(trained.version());
      return 0;
    }
  }

  /** The families a training compared, one line each, the one kept marked. */
  static void printFamilies(PrintWriter print, List<ModelRegistry.FamilyFigures> families, String kept) {
    if (families.isEmpty()) {
      return;
    }
    List<List<Object>> rows = new ArrayList<>();
    for (ModelRegistry.FamilyFigures f : families) {
      rows.add(List.of(f.family() + (f.family().equals(kept) ? " (kept)" : ""), String.format(Locale.ROOT, "%.4f",
          f.cvRocAuc()), String.format(Locale.ROOT, "%.4f", f.rocAuc()), String.format(Locale.ROOT, "%.4f",
          f.prAuc()), String.format(Locale.ROOT, "%.1f", f.seconds()), f.chosen()));
    }
    print.println("families (cross-validated on the training rows; held-out on the evaluated ones):");
    RowPrinter.print(print, OutputFormat.TABLE, List.of("family", "cv_roc_auc", "roc_auc", "pr_auc", "search_s",
        "chosen"), rows);
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Models, newest first: kind conversion (trained on trails, scores sessions) or feature-table.")
  static final class ListModels implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table, csv or json.")
    OutputFormat format;

    @Override
    public Integer call() {
      List<List<Object>> rows = new ArrayList<>();
      List<ModelRegistry.Recorded> recorded;
      try (Store store = cluster.store()) {
        recorded = ModelRegistry.models(store.cql(), List.of(ModelRegistry.TRAILS, ModelRegistry.TABLE));
      }
      for (ModelRegistry.Recorded r : recorded) {
        rows.add(List.of(r.version(), r.kind(), r.params().getOrDefault("algorithm", ""),
            r.metrics().getOrDefault("roc_auc", Double.NaN), r.metrics().getOrDefault("pr_auc", Double.NaN),
            r.path()));
      }
      RowPrinter.print(spec.commandLine().getOut(), format, List.of("version", "kind", "algorithm", "roc_auc",
          "pr_auc", "path"), rows);
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One model: parameters, metrics (roc_auc, pr_auc, log_loss, accuracy, ...), where it is, and "
          + "the families its training compared (cross-validated and held-out AUCs, search seconds, parameters).")
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "VERSION", description = "The model version (bin/trailcast model list).")
    String version;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table or json.")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
      ModelRegistry.Recorded r;
      try (Store store = cluster.store()) {
        r = ModelRegistry.anyModel(store.cql(), version);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", r.version());
        json.put("kind", r.kind());
        json.put("path", r.path());
        json.putAll(r.metrics());
        json.put("params", r.params());
        json.put("families", r.families());
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        return 0;
      }
      out.println("version " + r.version() + "\nkind " + r.kind() + "\npath " + r.path());
      r.metrics().forEach((k, v) -> out.printf(Locale.ROOT, "%s %.4f%n", k, v));
      r.params().forEach((k, v) -> {
        if (!k.startsWith("family.")) {
          out.println(k + " " + v.replace("\n", " "));
        }
      });
      printFamilies(out, r.families(), r.params().getOrDefault("algorithm", ""));
      out.flush();
      return 0;
    }
  }

  // --version names a model here: -h/--help alone (HelpOption).
  @Command(name = "evaluate",
      description = "Score the model's held-out days (its split day to the end of its window) as a site would have "
          + "seen them: the ROC and PR AUC of the score after the 1st, 2nd, ... 10th interactive event of each "
          + "evaluated session (those that reached it). With --truth (simulated traffic): the model's ROC AUC "
          + "against the simulator's Bayes AUC (its own conversion probabilities) on the very same sessions, "
          + "matched by user id and start, and beside each k the Bayes AUC of the whole visit as a ceiling.")
  static final class Evaluate implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--truth", paramLabel = "DIR",
        description = "The simulator's --out folder (its truth/ files), on simulated traffic.")
    Path truth;

    @Option(names = "--version", paramLabel = "V", description = "Model version (default: the newest).")
    String version;

    @Mixin
    SaltOption salt;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
        description = "table or json (after_actions: a row per k; with --truth also roc_auc, bayes_auc, ratio, "
            + "matched, scored). Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
      ModelRegistry.Recorded model;
      ModelJob.TruthComparison c = null;
      List<AfterActions> after;
      try (Store store = cluster.store()) {
        CassandraTarget target = store.target();
        model = ModelRegistry.model(store.cql(), version);
        SparkSession spark = SparkSessions.create("model evaluate", target);
        String hashSalt = truth == null ? null : salt.resolve(target);
        if (truth != null) {
          c = ModelJob.compareWithTruth(spark, target, model, truth, hashSalt);
        }
        after = ModelJob.afterActions(spark, target, TrailScorer.load(model),
            LocalDate.parse(model.params().get("split_day")), model.dataTo(), truth, hashSalt);
      }
      PrintWriter print = spec.commandLine().getOut();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", model.version());
        if (c != null) {
          json.put("roc_auc", c.rocAuc());
          json.put("bayes_auc", c.bayesAuc());
          json.put("ratio", c.ratio());
          json.put("matched", c.matched());
          json.put("scored", c.scored());
          json.put("from", c.from().toString());
          json.put("to", c.to().toString());
        }
        json.put("after_actions", after);
        print.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        return 0;
      }
      if (c != null) {
        print.printf(Locale.ROOT, "%s on %s..%s: %,d scored sessions, %,d of them in the simulator's truth; on those "
                + "roc_auc %.4f against the Bayes AUC %.4f = %.3f of Bayes%n", model.version(), c.from(), c.to(),
            c.scored(), c.matched(), c.rocAuc(), c.bayesAuc(), c.ratio());
      }
      print.println("the score after k actions (interactive events), on the held-out sessions that reached the k-th"
          + (truth == null ? ":" : "; bayes_auc_whole_visit reads the actions still to come, a ceiling:"));
      List<List<Object>> rows = new ArrayList<>();
      for (AfterActions a : after) {
        List<Object> row = new ArrayList<>(List.of(a.actions(), a.sessions(), a.converted(), fixed(a.rocAuc()),
            fixed(a.prAuc())));
        if (truth != null) {
          row.addAll(List.of(a.matched(), fixed(a.matchedRocAuc()), fixed(a.bayesAuc())));
        }
        rows.add(row);
      }
      List<String> columns = new ArrayList<>(List.of("actions", "sessions", "converted", "roc_auc", "pr_auc"));
      if (truth != null) {
        columns.addAll(List.of("matched", "roc_auc_matched", "bayes_auc_whole_visit"));
      }
      RowPrinter.print(print, OutputFormat.TABLE, columns, rows);
      print.flush();
      return 0;
    }

    private static String fixed(double x) {
      return String.format(Locale.ROOT, "%.4f", x);
    }
  }

  // --version names a model here: -h/--help alone (HelpOption).
  @Command(name = "score",
      description = "Score every human session of --from..--to into conversion_scores with the newest model "
          + "(or --version): the trail up to its last event before any conversion; sessions under the model's "
          + "minimum pageviews get no score (absent, not 0).")
  static final class Score implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    DaysOptions days;

    @Option(names = "--version", paramLabel = "V", description = "Model version (default: the newest).")
    String version;

    @Override
    public Integer call() {
      try (Store store = cluster.store()) {
        ModelRegistry.Recorded model = ModelRegistry.model(store.cql(), version);
        long written = ModelJob.score(SparkSessions.create("model score", store.target()), store, days.from(),
            days.to(), model);
        spec.commandLine().getOut().printf(Locale.ROOT, "%,d sessions scored with %s%n", written, model.version());
        return 0;
      }
    }
  }
}
