package io.trailcast.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.TrailcastHome;
import io.trailcast.core.UserException;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.cli.RowPrinter;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.enrich.ThemeTraining;
import io.trailcast.enrich.ThemeModels;
import io.trailcast.enrich.ThemesJob;
import io.trailcast.enrich.themes.Evaluation;
import io.trailcast.enrich.themes.ThemeAssigner;
import io.trailcast.enrich.themes.ThemeDefinitions;
import io.trailcast.enrich.tokens.Language;
import io.trailcast.enrich.tokens.UrlTokenizer;
import io.trailcast.enrich.vectors.Word2VecTrainer;
import io.trailcast.enrich.vectors.WordVectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
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

/** {@code trailcast themes train|assign|evaluate|explain}: URL themes with Word2Vec and analyst rules. */
@Command(name = "themes", mixinStandardHelpOptions = true,
    description = "URL themes (docs/themes.md): train word vectors, assign a theme to every page URL, evaluate "
        + "against labels, explain one URL.",
    subcommands = {ThemesCommand.Train.class, ThemesCommand.Assign.class, ThemesCommand.Evaluate.class,
        ThemesCommand.Explain.class})
public final class ThemesCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The definitions and model version an assignment uses. */
  static final class ModelOptions {
    @Option(names = "--definitions", paramLabel = "FILE",
        description = "Theme definitions (YAML: threshold, themes with seeds, rules); default: the shipped ones.")
    Path definitions;

    @Option(names = "--version", paramLabel = "V", description = "Word2vec model version (default: the newest).")
    String version;

    ThemeAssigner assigner(Store store) {
      ThemeDefinitions themes = definitions == null ? ThemeDefinitions.defaults() : ThemeDefinitions.load(definitions);
      ThemeModels.Model model = ThemeModels.get(store.cql(), version);
      return new ThemeAssigner(themes, WordVectors.read(Path.of(model.path())), model.version(), model.tokenizer());
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train Word2Vec on the navigation of --from..--to (each stored session's URL tokens in order) "
          + "and/or on text files (--corpus), or load vectors (--vectors FILE, word2vec/fastText text or binary). "
          + "Saves the vectors in the word2vec text format, records the model in the models table and prints its "
          + "version as the last line.")
  static final class Train implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    /** The days of navigation to train on, if any. */
    @Mixin
    OptionalDaysOptions days;

    @Option(names = "--corpus", paramLabel = "PATH", arity = "1..*",
        description = "Plain-text files (a sentence or paragraph per line) to train on as well.")
    List<Path> corpus = new ArrayList<>();

    @Option(names = "--vectors", paramLabel = "FILE",
        description = "Use these vectors instead of training (word2vec/fastText, text or binary, .gz too).")
    Path vectors;

    @Option(names = "--language", paramLabel = "L", defaultValue = "auto",
        description = "Tokenisation and stop words: en, fr, es or auto (all stop words). Default: ${DEFAULT-VALUE}.")
    String language;

    @Option(names = "--stem", description = "Stem English words (CoreNLP Morphology).")
    boolean stem;

    @Option(names = "--dimension", paramLabel = "N", defaultValue = "100", description = "Vector size (100).")
    int dimension;

    @Option(names = "--window", paramLabel = "N", defaultValue = "5", description = "Context window (5).")
    int window;

    @Option(names = "--min-count", paramLabel = "N", defaultValue = "2",
        description = "Words seen fewer times are left out (2).")
    int minCount;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Passes over the sentences (5).")
    int epochs;

    @Option(names = "--cbow", description = "CBOW instead of skip-gram (about twice as fast).")
    boolean cbow;

    @Option(names = "--out", paramLabel = "DIR", description = "Where vectors files go (default: var/models/word2vec).")
    Path out;

    @Override
    public Integer call() {
      PrintWriter print = spec.commandLine().getOut();
      UrlTokenizer tokenizer = new UrlTokenizer(Language.of(language), stem, null);
      Map<String, String> params = new LinkedHashMap<>();
      params.put("language", tokenizer.language().code());
      params.put("stem", Boolean.toString(stem));
      if (vectors != null) {
        if (days.given() || !corpus.isEmpty()) {
          throw new UserException("--vectors loads vectors as they are: give it alone, without --from or --corpus");
        }
        WordVectors loaded = WordVectors.read(vectors);
        String version = "vec-" + fileHash(vectors);
        params.put("algorithm", "loaded");
        params.put("source", vectors.toAbsolutePath().toString());
        try (Store store = cluster.store()) {
          ThemeModels.record(store.cql(), version, vectors.toAbsolutePath().toString(), params,
              Map.of("vocabulary", (double) loaded.size(), "dimension", (double) loaded.dimension()), null, null);
        }
        print.printf(Locale.ROOT, "loaded %,d vectors of %d dimensions from %s%n", loaded.size(), loaded.dimension(),
            vectors);
        print.println(version);
        return 0;
      }
      Path dir = out == null ? TrailcastHome.varDir().resolve("models/word2vec") : out;
      ThemeTraining.Result result;
      try (Store store = cluster.store()) {
        result = ThemeTraining.train(days.given() ? SparkSessions.create("themes train", store.target()) : null,
            store, days.from(), days.to(), corpus, tokenizer,
            new Word2VecTrainer.Parameters(dimension, window, minCount, epochs, !cbow, 42, 2), dir);
      }
      Word2VecTrainer.Trained trained = result.trained();
      result.sentencesBySource().forEach((source, n) -> print.printf(Locale.ROOT, "%s: %,d sentences%n", source, n));
      print.printf(Locale.ROOT, "trained %s on %,d sentences (%,d words): vocabulary %,d, %.0f s, %,.0f words/s; "
          + "vectors in %s%n", trained.parameters().get("algorithm"), trained.sentences(), trained.words(),
          trained.vectors().size(), trained.seconds(), trained.wordsPerSecond(), result.file());
      for (String word : List.of("music", "sport", "travel", "money", "film")) {
        if (trained.vectors().contains(word)) {
          print.println("  nearest to " + word + ": " + trained.vectors().nearest(word, 5).stream()
              .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())).toList());
        }
      }
      print.println(trained.version());
      return 0;
    }

    private static String fileHash(Path file) {
      try (var in = Files.newInputStream(file)) {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
  }

  // --version names a model here: -h/--help alone (HelpOption).
  @Command(name = "assign",
      description = "Give every page URL of --from..--to a theme in url_themes (rules first, then the model; "
          + "`unknown` under the threshold). URLs already scored with the same model and definitions are kept "
          + "unless --force.")
  static final class Assign implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ModelOptions model;

    @Mixin
    HelpOption help;

    @Mixin
    DaysOptions days;

    @Option(names = "--force", description = "Score every URL again.")
    boolean force;

    @Override
    public Integer call() {
      ThemeAssigner assigner;
      ThemesJob.Result result;
      try (Store store = cluster.store()) {
        assigner = model.assigner(store);
        result = ThemesJob.assign(SparkSessions.create("themes assign", store.target()), store, days.from(),
            days.to(), assigner, force);
      }
      spec.commandLine().getOut().println(result.line());
      if (!assigner.themesWithoutSeeds().isEmpty()) {
        spec.commandLine().getOut().println("themes none of whose seeds the model knows (never given by the model): "
            + assigner.themesWithoutSeeds());
      }
      return 0;
    }
  }

  // --version names a model here: -h/--help alone (HelpOption).
  @Command(name = "evaluate",
      description = "Compare themes with labels (CSV with a header: url,theme[,title]): accuracy, macro-F1 and a "
          + "confusion table, for the model and for a keyword baseline (the theme whose seed words appear literally "
          + "in the URL). --format json prints {\"model\": {\"accuracy\", \"macro_f1\", \"n\"}, \"baseline\": {...}}.")
  static final class Evaluate implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ModelOptions model;

    @Mixin
    HelpOption help;

    @Option(names = "--labels", required = true, paramLabel = "FILE.csv", description = "url,theme[,title] rows.")
    Path labels;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
        description = "table or json. Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
      ThemeAssigner assigner;
      try (Store store = cluster.store()) {
        assigner = model.assigner(store);
      }
      Evaluation.Comparison comparison = Evaluation.compare(assigner, LabelFile.read(labels));
      Evaluation byModel = comparison.model();
      Evaluation byKeywords = comparison.baseline();
      PrintWriter out = spec.commandLine().getOut();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", summary(byModel));
        json.put("baseline", summary(byKeywords));
        json.put("model_version", assigner.modelVersion());
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        return 0;
      }
      out.printf(Locale.ROOT, "%,d labelled URLs, model %s%n", byModel.n(), assigner.modelVersion());
      out.printf(Locale.ROOT, "model:    accuracy %.3f, macro-F1 %.3f%n", byModel.accuracy(), byModel.macroF1());
      out.printf(Locale.ROOT, "baseline: accuracy %.3f, macro-F1 %.3f (seed words literally in the URL)%n",
          byKeywords.accuracy(), byKeywords.macroF1());
      out.println("confusion of the model (rows: label, columns: theme given):");
      List<String> columns = new ArrayList<>(List.of("label"));
      columns.addAll(byModel.predictedThemes());
      List<List<Object>> rows = new ArrayList<>();
      for (Map.Entry<String, Map<String, Long>> row : byModel.confusion().entrySet()) {
        List<Object> values = new ArrayList<>(List.of(row.getKey()));
        for (String theme : byModel.predictedThemes()) {
          values.add(row.getValue().getOrDefault(theme, 0L));
        }
        rows.add(values);
      }
      RowPrinter.print(out, OutputFormat.TABLE, columns, rows);
      return 0;
    }

    private static Map<String, Object> summary(Evaluation e) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("accuracy", e.accuracy());
      summary.put("macro_f1", e.macroF1());
      summary.put("n", e.n());
      summary.put("confusion", e.confusion());
      return summary;
    }
  }

  // --version names a model here: -h/--help alone (HelpOption).
  @Command(name = "explain",
      description = "Why a URL gets its theme: its tokens and their weights, its similarity to every theme, the "
          + "rule that fired, if any.")
  static final class Explain implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ModelOptions model;

    @Mixin
    HelpOption help;

    @Parameters(paramLabel = "URL", description = "The URL (host/path?query, a scheme is fine).")
    String url;

    @Option(names = "--title", paramLabel = "TEXT", description = "The page title, when known.")
    String title;

    @Override
    public Integer call() {
      ThemeAssigner assigner;
      try (Store store = cluster.store()) {
        assigner = model.assigner(store);
      }
      ThemeAssigner.Explanation why = assigner.explain(url, title);
      PrintWriter out = spec.commandLine().getOut();
      ThemeAssigner.Assignment a = why.assignment();
      out.printf(Locale.ROOT, "%s -> %s (score %.3f, %s, model %s)%n", url, a.theme(), a.score(), a.source(),
          a.modelVersion());
      if (why.rule() != null) {
        out.println("rule: " + why.rule());
        return 0;
      }
      for (int i = 0; i < why.tokens().size(); i++) {
        double weight = why.weights().get(i);
        out.printf(Locale.ROOT, "  token %-20s weight %.3f%s%n", why.tokens().get(i), weight,
            weight == 0 ? " (not in the vocabulary)" : "");
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < why.themes().size(); i++) {
        order.add(i);
      }
      order.sort((x, y) -> Double.compare(why.similarities().get(y), why.similarities().get(x)));
      for (int i : order) {
        out.printf(Locale.ROOT, "  theme %-20s similarity %.3f%n", why.themes().get(i), why.similarities().get(i));
      }
      out.printf(Locale.ROOT, "  threshold %.2f%n", assigner.definitions().threshold());
      return 0;
    }
  }
}
