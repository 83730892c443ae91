package io.trailcast.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailcast.core.TrailcastHome;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.models.ConversionModel;
import io.trailcast.models.ModelJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
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

/** {@code trailcast model train|list|show|score}: the conversion model (docs/models.md). */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = "The conversion model (docs/models.md): train an MLlib classifier on session trails, list and "
        + "show versions, score sessions into conversion_scores.",
    subcommands = {ModelCommand.Train.class, ModelCommand.ListModels.class, ModelCommand.Show.class,
        ModelCommand.Score.class})
public final class ModelCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train on the trails of --from..--to (sessions cut before a conversion or funnel page): the "
          + "earlier two thirds of the days fit the model with a 3-fold cross-validated search, the later days "
          + "evaluate it (roc_auc, pr_auc, log_loss, accuracy at the threshold with the best training F1, "
          + "calibration, top features). Saves the Spark ML pipeline, records it in `models` and prints its version "
          + "as the last line.")
  static final class Train implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--from", required = true, paramLabel = "D", description = "First day of sessions.")
    LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "D", description = "Last day of sessions.")
    LocalDate to;

    @Option(names = "--algorithm", paramLabel = "A", defaultValue = "logistic",
        description = "logistic, gbt or auto (the better cross-validated ROC AUC). Default: ${DEFAULT-VALUE}.")
    String algorithm;

    @Option(names = "--min-pageviews", paramLabel = "N", defaultValue = "2",
        description = "Trails with fewer pageviews get no score and are not trained on (default: ${DEFAULT-VALUE}).")
    int minPageviews;

    @Option(names = "--site-config", paramLabel = "FILE", description = "The site's YAML (its funnel pages).")
    Path siteConfig;

    @Option(names = "--out", paramLabel = "DIR", description = "Where models go (default: var/models/conversion).")
    Path out;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
        description = "table or json (metrics under roc_auc, pr_auc, log_loss, accuracy). Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
      if (!List.of("logistic", "gbt", "auto").contains(algorithm)) {
        throw new UserException("unknown algorithm '" + algorithm + "': use logistic, gbt or auto");
      }
      CassandraTarget target = cluster.target();
      SiteConfig site = siteConfig == null ? SiteConfig.defaults() : SiteConfig.load(siteConfig);
      ModelJob.Trained trained = ModelJob.train(SparkSessions.create("model train", target), target, from, to,
          algorithm, site.funnel(), minPageviews,
          out == null ? TrailcastHome.varDir().resolve("models/conversion") : out);
      PrintWriter print = spec.commandLine().getOut();
      ConversionModel.Metrics m = trained.metrics();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", trained.version());
        json.put("algorithm", trained.fitted().algorithm());
        json.putAll(m.asMap());
        json.put("params", trained.fitted().params());
        print.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
      } else {
        print.printf(Locale.ROOT, "%s: trained on %,d trails before %s, evaluated on %,d (%,d converted) from %s on; "
                + "%.0f s%n", trained.fitted().algorithm(), trained.trainRows(), trained.splitDay(), m.n(),
            m.positives(), trained.splitDay(), trained.seconds());
        print.printf(Locale.ROOT, "roc_auc %.4f  pr_auc %.4f  log_loss %.4f  accuracy %.4f at threshold %.2f  "
            + "(cross-validated roc_auc %.4f, params %s)%n", m.rocAuc(), m.prAuc(), m.logLoss(), m.accuracy(),
            m.threshold(), trained.fitted().cvAuc(), trained.fitted().params());
        print.println("calibration (predicted bin: trails, mean predicted, observed rate):");
        for (double[] bin : m.calibration()) {
          print.printf(Locale.ROOT, "  %.1f-%.1f: %,6.0f  %.3f  %.3f%n", bin[0], bin[0] + 0.1, bin[1], bin[2], bin[3]);
        }
        print.println("top features: " + trained.topFeatures().stream()
            .map(e -> String.format(Locale.ROOT, "%s %+.3f", e.getKey(), e.getValue())).toList());
      }
      print.println(trained.version());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Conversion models, newest first.")
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
      for (ModelJob.Recorded r : ModelJob.models(cluster.target())) {
        rows.add(List.of(r.version(), r.params().getOrDefault("algorithm", ""), r.metrics().getOrDefault("roc_auc",
            Double.NaN), r.metrics().getOrDefault("pr_auc", Double.NaN), r.path()));
      }
      RowPrinter.print(spec.commandLine().getOut(), format, List.of("version", "algorithm", "roc_auc", "pr_auc",
          "path"), rows);
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One model: parameters, metrics (roc_auc, pr_auc, log_loss, accuracy, ...), where it is.")
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
      ModelJob.Recorded r = ModelJob.model(cluster.target(), version);
      PrintWriter out = spec.commandLine().getOut();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", r.version());
        json.put("path", r.path());
        json.putAll(r.metrics());
        json.put("params", r.params());
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        return 0;
      }
      out.println("version " + r.version() + "\npath " + r.path());
      r.metrics().forEach((k, v) -> out.printf(Locale.ROOT, "%s %.4f%n", k, v));
      r.params().forEach((k, v) -> out.println(k + " " + v.replace("\n", " ")));
      return 0;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Score every human session of --from..--to into conversion_scores with the newest model "
          + "(or --version): the trail up to its last event before any conversion; sessions under the model's "
          + "minimum pageviews get no score (absent, not 0).")
  static final class Score implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--from", required = true, paramLabel = "D", description = "First day.")
    LocalDate from;

    @Option(names = "--to", paramLabel = "D", description = "Last day (default: --from).")
    LocalDate to;

    @Option(names = "--version", paramLabel = "V", description = "Model version (default: the newest).")
    String version;

    @Override
    public Integer call() {
      CassandraTarget target = cluster.target();
      ModelJob.Recorded model = ModelJob.model(target, version);
      long written = ModelJob.score(SparkSessions.create("model score", target), target, from,
          to == null ? from : to, model);
      spec.commandLine().getOut().printf(Locale.ROOT, "%,d sessions scored with %s%n", written, model.version());
      return 0;
    }
  }
}
