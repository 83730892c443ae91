package io.trailcast.deploy;

import io.trailcast.core.cassandra.Store;
import io.trailcast.core.Durations;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.stream.StreamJob;
import io.trailcast.stream.StreamSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast stream}: the pipeline on live events from Kafka or a landing directory. */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = {"Run the pipeline on live events, one Structured Streaming query parsing each message once: "
          + "ingest's parsing, identity, bot flags and dedup into events_by_user; sessions (the batch rules, "
          + "flatMapGroupsWithState with event-time timeouts) upserted live into sessions_by_user; live bounce and "
          + "search CTR per hour and day (live_page_metrics, live_search_metrics); a recency-weighted bounce rate per "
          + "landing page (landing_recency); a conversion score at every new interactive event (conversion_scores), "
          + "computed in the state by the newest model's TrailScorer with that model's funnel and minimum pageviews: "
          + "the score batch `model score` gives the same trail.",
        "Events older than the watermark are stored but left to the next batch run (counted in stream_status). "
            + "A checkpoint per source and keyspace lets a stopped or killed run go on where it stopped."})
public final class StreamCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--source", required = true, paramLabel = "SRC",
      description = "kafka:HOST[:PORT][,HOST[:PORT]]/TOPIC (a message is a log line or a JSON event; the embedded "
          + "broker is kafka:127.0.0.1:9092/TOPIC) or dir:PATH (a landing directory of log files, plain or gzip).")
  String source;

  @Option(names = "--available-now",
      description = "Process what the source holds now, then stop (for catch-up runs, scripts and tests).")
  boolean availableNow;

  @Option(names = "--for", paramLabel = "DURATION",
      description = "Stop after this long (e.g. 30s, 10m). Default: run until stopped (Ctrl-C).")
  String runFor;

  @Option(names = "--trigger", paramLabel = "DURATION", defaultValue = StreamJob.Options.DEFAULT_TRIGGER,
      description = "Micro-batch interval: a fixed one, so that a slow batch is followed by a small one rather "
          + "than a bigger one; 0 starts each batch as soon as the previous one is done. Default: ${DEFAULT-VALUE}.")
  String trigger;

  @Option(names = "--watermark", paramLabel = "DURATION", defaultValue = StreamJob.Options.DEFAULT_WATERMARK,
      description = "How late an event may arrive and still join its session. Default: ${DEFAULT-VALUE}.")
  String watermark;

  @Option(names = "--max-per-trigger", paramLabel = "N", defaultValue = "0",
      description = "Most Kafka messages (or files) per micro-batch; 0 for no cap. Default: ${DEFAULT-VALUE}.")
  long maxPerTrigger;

  @Option(names = "--model-every", paramLabel = "DURATION", defaultValue = StreamJob.Options.DEFAULT_MODEL_EVERY,
      description = "How often the newest conversion model is looked for; a new one scores from the next "
          + "micro-batch on. Default: ${DEFAULT-VALUE}.")
  String modelEvery;

  @Option(names = "--allow-data-loss",
      description = "Skip Kafka offsets the checkpoint has still to read but the topic no longer holds (retention "
          + "passed them, or the topic was recreated), with Spark's warning in the log; without it the job stops "
          + "and says so.")
  boolean allowDataLoss;

  @Option(names = "--starting-offsets", paramLabel = "WHERE", defaultValue = StreamJob.Options.DEFAULT_STARTING_OFFSETS,
      description = "Where a new checkpoint starts reading Kafka: earliest or latest. Default: ${DEFAULT-VALUE}.")
  String startingOffsets;

  @Option(names = "--reservoir", paramLabel = "N", defaultValue = StreamJob.Options.DEFAULT_RESERVOIR,
      description = "Sessions in each landing page's recency reservoir. Default: ${DEFAULT-VALUE}.")
  int reservoir;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
      description = "Shuffle and state partitions; 0 for Spark's default parallelism. A checkpoint keeps the "
          + "number of its first run. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--format", paramLabel = "F", defaultValue = "auto",
      description = "auto (detected per message or file; the log format string when the site has one), combined, "
          + "common, w3c, iis, cloudfront, alb, elb, caddy, jsonl or log-format. Default: ${DEFAULT-VALUE}.")
  String format;

  @Mixin
  LogFormatOption logFormat;

  @Mixin
  SiteOption siteConfig;

  @Mixin
  SessionOptions sessions;

  @Mixin
  SaltOption salt;

  @Mixin
  CheckpointOption checkpoint;

  @Override
  public Integer call() {
    // The flags first: a mistyped one is said before anything is looked up.
    StreamSource parsed = allowDataLoss ? StreamSource.parse(source).allowingDataLoss() : StreamSource.parse(source);
    Duration stopAfter = runFor == null ? null : Durations.parse(runFor, "--for");
    Duration interval = trigger.strip().equals("0") ? Duration.ZERO : Durations.parse(trigger, "--trigger");
    Duration delay = Durations.parse(watermark, "--watermark");
    Duration refresh = Durations.parse(modelEvery, "--model-every");
    SiteConfig site = sessions.over(logFormat.over(siteConfig.load()));
    InputFormat inputFormat = InputFormat.of(format, site);
    CassandraTarget target = cluster.target();
    StreamJob.Options options = new StreamJob.Options(parsed, inputFormat, site, salt.resolve(target),
        checkpoint.resolve(target, parsed), availableNow, stopAfter, interval, maxPerTrigger, delay, refresh,
        startingOffsets, reservoir, StreamJob.Options.THEME_REFRESH, partitions);
    PrintWriter out = spec.commandLine().getOut();
    out.println("[stream]    " + parsed.describe() + " → " + target.describe() + " (checkpoint "
        + options.checkpoint() + ")");
    out.flush();
    try (Store store = Store.open(target)) {
      StreamJob.Result result = StreamJob.run(SparkSessions.create("stream", target), store, options);
      out.println("[stream]    " + result.line());
      out.flush();
      return 0;
    }
  }
}
