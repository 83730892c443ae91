package io.trailcast.deploy;

import io.trailcast.models.ModelRegistry;
import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.identity.IdentityEvaluation;
import io.trailcast.aggregate.identity.IdentityGraph;
import io.trailcast.aggregate.identity.IdentityJob;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.TrailcastHome;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.EmbeddedCassandra;
import io.trailcast.core.cassandra.LocalNode;
import io.trailcast.core.cassandra.Replication;
import io.trailcast.core.cassandra.SchemaMigrator;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.enrich.ThemeTraining;
import io.trailcast.enrich.ThemeModels;
import io.trailcast.enrich.themes.Evaluation;
import io.trailcast.enrich.themes.ThemeAssigner;
import io.trailcast.enrich.themes.ThemeDefinitions;
import io.trailcast.enrich.tokens.Language;
import io.trailcast.enrich.tokens.UrlTokenizer;
import io.trailcast.enrich.vectors.Word2VecTrainer;
import io.trailcast.enrich.vectors.WordVectors;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.IngestResult;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.models.ConversionModel;
import io.trailcast.models.ModelJob;
import io.trailcast.segments.SegmentDefinitions;
import io.trailcast.segments.SegmentEvaluation;
import io.trailcast.segments.SegmentJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trailcast demo}: every stage that exists, on the embedded node, with a summary. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start the embedded Cassandra, apply the schema, run every batch stage on simulated traffic, "
        + "then stream a new simulated day through collect, the embedded Kafka broker and the streaming job, and "
        + "print what each produced. The node and the broker keep running afterwards (bin/trailcast cassandra stop, "
        + "bin/trailcast kafka stop).")
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--keyspace", paramLabel = "K", defaultValue = "trailcast_demo",
      description = "Keyspace of the demo (default: ${DEFAULT-VALUE}).")
  String keyspace;

  @Option(names = "--persons", paramLabel = "N", defaultValue = "500",
      description = "Simulated persons (default: ${DEFAULT-VALUE}).")
  int persons;

  @Option(names = "--days", paramLabel = "D", defaultValue = "3",
      description = "Simulated days from 2026-01-05 (default: ${DEFAULT-VALUE}).")
  int days;

  private static final LocalDate START = LocalDate.of(2026, 1, 5);

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    EmbeddedCassandra.Status node = EmbeddedCassandra.start(LocalNode.spec());
    out.println("[cassandra] " + node.describe());
    CassandraTarget target = CassandraTarget.embedded(node.nativePort(), keyspace);
    SchemaMigrator.Result schema = SchemaMigrator.apply(target, Replication.EMBEDDED);
    out.println("[schema]    keyspace " + schema.keyspace() + ": " + schema.applied().size() + " migration(s) applied, "
        + schema.alreadyApplied().size() + " already there");
    out.flush();
    try (Store store = Store.open(target)) {
      return stages(store, out);
    }
  }

  /** Every stage on simulated traffic, on the command's one store. */
  private int stages(Store store, PrintWriter out) throws IOException, InterruptedException {
    CassandraTarget target = store.target();
    Path traffic = TrailcastHome.varDir().resolve("demo/traffic");
    Simulator.Summary simulated = new Simulator(new SimulationConfig(persons, days, START, 42, LogFormat.COMBINED,
        0.005, true, ZoneId.of("UTC"), traffic)).run();
    out.printf(Locale.ROOT, "[simulate]  %,d persons over %d days: %,d log lines (%,d corrupt, %,d from bots), "
            + "%,d true sessions, %,d conversions, Bayes AUC %.3f; logs and truth in %s%n", persons, days,
        simulated.lines(), simulated.corruptLines(), simulated.botEvents(), simulated.sessions(),
        simulated.conversions(), simulated.bayesAuc(), traffic);
    out.flush();
    SparkSession spark = SparkSessions.create("demo", target);
    IngestResult ingested = IngestJob.run(spark, store, new IngestConfig(List.of(traffic.resolve("logs").toString()),
        InputFormat.AUTO, SiteConfig.defaults().withSite("trailmag"), IngestConfig.DEFAULT_SALT, null, null, false));
    out.printf(Locale.ROOT, "[ingest]    %s; truth: %,d events, %,d corrupt lines%n", ingested.line(),
        simulated.events(), simulated.corruptLines());
    out.flush();
    AggregateJob.Result aggregated = AggregateJob.run(spark, store, START, START.plusDays(days - 1),
        SessionRules.of(SiteConfig.defaults()));
    out.printf(Locale.ROOT, "[aggregate] %s; truth: %,d sessions%n", aggregated.line(), simulated.sessions());
    out.println("[channels]  " + MetricsTables.channelLine(store.cql(), START, START.plusDays(days - 1)));
    out.println("            bounce per landing page: bin/trailcast metrics pages --keyspace " + keyspace + " --from "
        + START + " --to " + START.plusDays(days - 1) + "; per channel: metrics channels");
    out.flush();
    themes(spark, store, traffic, START.plusDays(days - 1), out);
    AggregateJob.Result withThemes = AggregateJob.run(spark, store, START, START.plusDays(days - 1),
        SessionRules.of(SiteConfig.defaults()));
    out.printf(Locale.ROOT, "[aggregate] rerun with themes (user_daily.theme_pageviews): %,d sessions changed%n",
        withThemes.sessionsChanged());
    out.flush();
    IdentityJob.Result identities = IdentityJob.run(spark, store, START, START.plusDays(days - 1),
        traffic.resolve("crm.csv"), IngestConfig.DEFAULT_SALT, IdentityGraph.Rules.defaults());
    IdentityEvaluation.Pairs pairs = IdentityEvaluation.compare(spark, target, traffic, IngestConfig.DEFAULT_SALT);
    out.println("[identity]  " + identities.line());
    out.printf(Locale.ROOT, "            against the simulator's persons: pair precision %.3f, recall %.3f; recall "
        + "%.3f of the pairs whose devices both signed in (the others leave nothing to link)%n", pairs.precision(),
        pairs.recall(), pairs.signedInRecall());
    out.flush();
    SegmentDefinitions segments = SegmentDefinitions.defaults(ThemeDefinitions.defaults().themes().stream()
        .map(ThemeDefinitions.Theme::name).collect(java.util.stream.Collectors.toSet()));
    SegmentJob.Result segmented = SegmentJob.run(spark, store, segments, START.plusDays(days - 1));
    SegmentEvaluation.Score interests = SegmentEvaluation.compare(spark, target, traffic, IngestConfig.DEFAULT_SALT,
        segments, START.plusDays(days - 1)).all();
    out.println("[segments]  " + segmented.line());
    out.printf(Locale.ROOT, "            against the definitions on the simulator's true pageviews: precision %.3f, "
        + "recall %.3f; "
        + "members: bin/trailcast segments members theme:music --keyspace %s%n", interests.precision(),
        interests.recall(), keyspace);
    out.flush();
    ModelJob.Trained model = ModelJob.train(spark, store, START, START.plusDays(days - 1),
        ConversionModel.Settings.of("logistic"),
        SiteConfig.defaults().funnel(), 2, TrailcastHome.varDir().resolve("models/conversion"));
    out.printf(Locale.ROOT, "[model]     %s trained on %,d trails, evaluated on %s..: roc_auc %.3f, pr_auc %.3f; "
            + "top features %s%n", model.version(), model.trainRows(), model.splitDay(), model.metrics().rocAuc(),
        model.metrics().prAuc(), model.topFeatures().subList(0, 3).stream().map(Map.Entry::getKey).toList());
    ModelRegistry.Recorded recorded = ModelRegistry.model(store.cql(), model.version());
    ModelJob.TruthComparison truth = ModelJob.compareWithTruth(spark, target, recorded, traffic,
        IngestConfig.DEFAULT_SALT);
    out.printf(Locale.ROOT, "            on the %,d held-out sessions the simulator knows: roc_auc %.3f against its "
            + "Bayes AUC %.3f = %.3f of Bayes (bin/trailcast model evaluate --keyspace %s --truth %s)%n",
        truth.matched(), truth.rocAuc(), truth.bayesAuc(), truth.ratio(), keyspace, traffic);
    out.println("            the score as the site saw it after k actions (roc_auc): " + recorded.curves()
        .afterActions().stream().filter(r -> r[0] == 1 || r[0] == 3 || r[0] == 10)
        .map(r -> String.format(Locale.ROOT, "k=%d %.3f", (int) r[0], r[3])).toList()
        + "; families compared: bin/trailcast model train --family all");
    long scored = ModelJob.score(spark, store, START, START.plusDays(days - 1), recorded);
    out.printf(Locale.ROOT, "            %,d sessions scored into conversion_scores; a user's score: bin/trailcast "
        + "score USER --keyspace %s%n", scored, keyspace);
    out.flush();
    LiveDemo.run(spark, store, START.plusDays(days), Math.max(20, persons / 10), out);
    experiments(spark, target, out);
    forgetOnePerson(spark, store, traffic, out);
    Map<String, Long> counts = TablesCommand.count(spark, store);
    out.println("[tables]    rows per table, counted by Spark: " + counts);
    Path report = TrailcastHome.varDir().resolve("demo/report.html");
    out.println("[report]    " + ReportCommand.write(store, START, START.plusDays(days), segments.segments(), report)
        + ": open it in a browser (bin/trailcast report --keyspace " + keyspace + " --from " + START + " --to "
        + START.plusDays(days) + " --out FILE)");
    out.println("[quality]   bin/trailcast quality --keyspace " + keyspace + " --from " + START + " --to "
        + START.plusDays(days));
    out.println("Query it: bin/trailcast query --keyspace " + keyspace + " \"SELECT * FROM job_runs LIMIT 10\"");
    out.flush();
    return 0;
  }

  /**
   * A landing-page experiment's closed loop (docs/experiments.md) in a keyspace of its own, so that its simulated
   * visitors stay out of the demo's figures: three home-page variants, serve, the stream, the batch rerun.
   */
  private void experiments(SparkSession spark, CassandraTarget demo, PrintWriter out) throws IOException,
      InterruptedException {
    CassandraTarget target = demo.withKeyspace(keyspace + "_experiments");
    SchemaMigrator.apply(target, Replication.EMBEDDED);
    ExperimentSimulation.Result r;
    try (Store store = Store.open(target)) {
      r = ExperimentSimulation.run(spark, store, IngestConfig.DEFAULT_SALT, new ExperimentSimulation.Config(
          new double[] {0.55, 0.45, 0.40}, 3_000, io.trailcast.aggregate.experiments.ExperimentDefinitions.Policy
          .THOMPSON, 1, 250, TrailcastHome.varDir().resolve("demo/experiments")), line -> { });
    }
    StringBuilder variants = new StringBuilder();
    for (ExperimentSimulation.VariantResult v : r.variants()) {
      variants.append(String.format(Locale.ROOT, "%s%s true %.2f found %.3f [%.3f, %.3f], share %.2f then %.2f",
          variants.length() == 0 ? "" : "; ", v.variant(), v.trueRate(), v.foundRate(), v.low(), v.high(),
          v.share(), v.secondHalfShare()));
    }
    out.printf(Locale.ROOT, "[experiments] home-page variants with true bounce 0.55, 0.45, 0.40: %,d simulated "
            + "visitors through serve and the stream in %.0f s, Thompson sampling: %s; regret %.0f against the even "
            + "split's %.0f; batch rerun %s (bin/trailcast experiments show %s --keyspace %s --site-config %s)%n",
        r.visitors(), r.millis() / 1000.0, variants, r.regret(), r.uniformRegret(),
        r.batchEqualsStream() ? "equal to the stream" : "DIFFERS: " + r.batchDifference(), r.experiment(),
        target.keyspace(), r.siteConfig());
    out.flush();
  }

  /**
   * A person's right to be forgotten, shown on the first simulated person with two devices, an email
   * and a CRM account who signed in: the same one each run, who then stays out of every later run.
   */
  private static void forgetOnePerson(SparkSession spark, Store store, Path traffic, PrintWriter out) {
    List<org.apache.spark.sql.Row> candidates = spark.read().option("header", "true").csv(traffic.resolve(
        "truth/persons.csv").toString()).filter("kind = 'human' AND devices LIKE '%;%' AND email IS NOT NULL AND "
        + "crm_id IS NOT NULL").orderBy("person_id").collectAsList();
    // The first whose email the identity graph links to a device and to the CRM account: one who signed in.
    org.apache.spark.sql.Row person = candidates.get(0);
    for (org.apache.spark.sql.Row candidate : candidates) {
      String email = "e:" + io.trailcast.ingest.Hashing.salted(IngestConfig.DEFAULT_SALT,
          candidate.<String>getAs("email").trim().toLowerCase(Locale.ROOT));
      if (store.cql().execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
          "SELECT count(*) FROM identity_edges WHERE identifier = ?", email)).one().getLong(0) >= 2) {
        person = candidate;
        break;
      }
    }
    io.trailcast.aggregate.identity.ForgetJob.Result forgot = io.trailcast.aggregate.identity.ForgetJob.run(spark,
        store, person.getAs("email"), io.trailcast.aggregate.identity.ForgetJob.Kind.EMAIL,
        IngestConfig.DEFAULT_SALT, false);
    out.printf(Locale.ROOT, "[forget]    simulated person %s (devices %s, an email, CRM account %s), asked for by "
            + "email: %d identifiers, %,d rows deleted (%s); suppressed from every later run (bin/trailcast forget "
            + "--identifier EMAIL --kind email --keyspace %s)%n", person.<String>getAs("person_id"),
        person.<String>getAs("devices"), person.<String>getAs("crm_id"), forgot.person().identifiers().size(),
        forgot.total(), io.trailcast.aggregate.identity.ForgetJob.describe(forgot.deleted()), store.keyspace());
    out.flush();
  }

  private static void themes(SparkSession spark, Store store, Path traffic, LocalDate end, PrintWriter out)
      throws IOException {
    ThemeTraining.Result trained = ThemeTraining.train(spark, store, START, end, List.of(),
        new UrlTokenizer(Language.AUTO, false, null), Word2VecTrainer.Parameters.defaults(),
        TrailcastHome.varDir().resolve("models/word2vec"));
    out.printf(Locale.ROOT, "[themes]    word2vec %s trained on %,d sessions' URL tokens: vocabulary %,d, %,.0f "
            + "words/s; nearest to music: %s%n", trained.trained().version(), trained.trained().sentences(),
        trained.trained().vectors().size(), trained.trained().wordsPerSecond(),
        trained.trained().vectors().nearest("music", 4).stream().map(Map.Entry::getKey).toList());
    ThemeStage.run(spark, store, START, end, out);
    ThemeModels.Model model = ThemeModels.get(store.cql(), trained.trained().version());
    ThemeAssigner assigner = new ThemeAssigner(ThemeDefinitions.defaults(), WordVectors.read(Path.of(model.path())),
        model.version(), model.tokenizer());
    List<String[]> labelled = LabelFile.read(traffic.resolve("truth/urls.csv"));
    Evaluation.Comparison comparison = Evaluation.compare(assigner, labelled);
    out.printf(Locale.ROOT, "            against the simulator's themes of %,d URLs (3 languages): accuracy %.3f, "
            + "keyword baseline %.3f (bin/trailcast themes evaluate --labels %s)%n", labelled.size(),
        comparison.model().accuracy(), comparison.baseline().accuracy(), traffic.resolve("truth/urls.csv"));
    out.flush();
  }
}
