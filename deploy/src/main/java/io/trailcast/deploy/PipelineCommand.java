package io.trailcast.deploy;

import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.identity.IdentityGraph;
import io.trailcast.aggregate.identity.IdentityJob;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.IngestResult;
import io.trailcast.aggregate.experiments.ExperimentDefinitions;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.enrich.themes.ThemeDefinitions;
import io.trailcast.models.ModelJob;
import io.trailcast.models.ModelRegistry;
import io.trailcast.segments.SegmentDefinitions;
import io.trailcast.segments.SegmentJob;
import io.trailcast.stream.StreamJob;
import io.trailcast.stream.StreamSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast pipeline --date D --input PATH...}: the scheduled daily run, every stage in order. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "The scheduled daily run: every stage that exists, in order, for one day: with --stream-source, "
        + "a catch-up run of the streaming job first (it drains the source, so the live tables hold everything "
        + "that arrived; the batch stages then recompute the day with its late events), ingest of the "
        + "events of that day (site time zone) found in the inputs, themes of the day's new page URLs (with the "
        + "newest word2vec model, if one was trained), then sessions, bounce and search metrics and the per-user "
        + "aggregates of that day (and what its sessions earned the variants of the site config's experiments), "
        + "the identity graph and person profiles (with --crm, its accounts), segment "
        + "members as of the day, and conversion scores of the day's sessions (with the newest conversion model, if "
        + "one was trained); with --report, the day's report (bin/trailcast report).")
public final class PipelineCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--date", required = true, paramLabel = "D",
      description = "The day to process (yyyy-MM-dd); --from/--to default to it.")
  LocalDate date;

  @Mixin
  IngestCommand.IngestOptions ingest;

  @Mixin
  SessionOptions sessions;

  @Option(names = "--crm", paramLabel = "FILE",
      description = "A CRM extract (crm_id, email, plan, country, signup_date) for the identity stage.")
  Path crm;

  @Option(names = "--segments", paramLabel = "FILE",
      description = "Segment definitions (default: one segment per theme, docs/segments.md).")
  Path segments;

  @Option(names = "--stream-source", paramLabel = "SRC",
      description = "A source the streaming job reads (kafka:HOST[:PORT]/TOPIC or dir:PATH): drained with "
          + "--available-now from --checkpoint before the batch stages.")
  String streamSource;

  @Mixin
  CheckpointOption checkpoint;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Write the day's report (bin/trailcast report) to FILE at the end of the run.")
  Path report;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Store store = cluster.store()) {
      CassandraTarget target = store.target();
      out.println("[schema] keyspace " + target.keyspace() + " is up to date");
      out.flush();
      SparkSession spark = SparkSessions.create("pipeline " + date, target);
      // The site config with this run's session flags: the stream's catch-up and the aggregate cut alike.
      SiteConfig site = sessions.over(ingest.siteConfig());
      if (streamSource != null) {
        StreamSource source = StreamSource.parse(streamSource);
        StreamJob.Result streamed = StreamJob.run(spark, store, StreamJob.Options.drain(source, site,
            ingest.config(target, date).salt(), checkpoint.resolve(target, source)));
        out.println("[stream]    " + streamed.line());
        out.flush();
      }
      IngestResult ingested = IngestJob.run(spark, store, ingest.config(target, date));
      out.println("[ingest] " + ingested.line());
      out.flush();
      ThemeStage.run(spark, store, date, date, out);
      AggregateJob.Result aggregated = AggregateJob.run(spark, store, date, date, SessionRules.of(site),
          ExperimentDefinitions.of(site));
      out.println("[aggregate] " + aggregated.line());
      out.println("[channels]  " + MetricsTables.channelLine(store.cql(), date, date));
      for (String line : ExperimentsCommand.lines(store.cql(), target.keyspace(), ExperimentDefinitions.of(site))) {
        out.println("[experiments] " + line);
      }
      out.flush();
      IdentityJob.Result identities = IdentityJob.run(spark, store, date, date, crm,
          ingest.config(target, date).salt(), IdentityGraph.Rules.defaults());
      out.println("[identity]  " + identities.line());
      out.flush();
      Set<String> themes = ThemeDefinitions.defaults().themes().stream().map(ThemeDefinitions.Theme::name)
          .collect(Collectors.toSet());
      SegmentDefinitions definitions = segments == null
          ? SegmentDefinitions.defaults(themes) : SegmentDefinitions.load(segments, themes);
      SegmentJob.Result segmented = SegmentJob.run(spark, store, definitions, date);
      out.println("[segments]  " + segmented.line());
      out.flush();
      List<ModelRegistry.Recorded> models = ModelRegistry.models(store.cql());
      if (models.isEmpty()) {
        out.println("[model]     no conversion model yet: scoring skipped (bin/trailcast model train)");
      } else {
        long scored = ModelJob.score(spark, store, date, date, models.get(0));
        out.printf(Locale.ROOT, "[model]     %,d sessions scored with %s%n", scored, models.get(0).version());
      }
      out.flush();
      if (report != null) {
        out.println("[report]    " + ReportCommand.write(store, date, date, definitions.segments(), report));
        out.flush();
      }
    }
    return 0;
  }
}
