package io.trailcast.deploy;

import io.trailcast.core.cassandra.Store;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.SparkSessions;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.IngestResult;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast ingest}: raw logs into events_by_user, bad lines into quarantine. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Load raw logs (files, folders, globs; plain or gzip) into events_by_user; every line that "
        + "cannot be parsed goes to quarantine with its reason. Rerunning the same input writes the same rows.")
public final class IngestCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  IngestOptions options;

  @Override
  public Integer call() {
    try (Store store = cluster.store()) {
      IngestConfig config = options.config(store.target());
      SparkSession spark = SparkSessions.create("ingest", store.target());
      IngestResult result = IngestJob.run(spark, store, config);
      print(spec.commandLine().getOut(), result, config.dryRun());
      return 0;
    }
  }

  static void print(PrintWriter out, IngestResult result, boolean dryRun) {
    result.files().forEach((file, format) -> out.println("  " + file + ": " + format.label()));
    out.println(result.line() + (dryRun ? " (dry run: nothing written)" : ""));
    out.flush();
  }

  /** The ingest flags, shared with {@code pipeline}. */
  static final class IngestOptions {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
        description = "Log files, folders (read recursively) or globs, on any file system Spark reads.")
    List<String> inputs;

    @Option(names = "--format", paramLabel = "F", defaultValue = "auto",
        description = "auto (detected per file; the log format string when the site has one), combined, common, "
            + "w3c, iis, cloudfront, alb, elb, caddy, jsonl or log-format. Default: ${DEFAULT-VALUE}.")
    String format;

    @Mixin
    LogFormatOption logFormat;

    @Option(names = "--site", paramLabel = "S",
        description = "Site name stored with the events (default: the site config's).")
    String site;

    @Mixin
    SiteOption siteFile;

    @Mixin
    SaltOption salt;

    @Option(names = "--from", paramLabel = "D", description = "Keep only events on or after this day (site time zone).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "D", description = "Keep only events on or before this day.")
    LocalDate to;

    @Option(names = "--dry-run",
        description = "Read, parse, normalise, deduplicate and count, but write no event and no quarantine row.")
    boolean dryRun;

    IngestConfig config(CassandraTarget target) {
      return config(target, null);
    }

    /** The site config the flags name. */
    SiteConfig siteConfig() {
      SiteConfig config = logFormat.over(siteFile.load());
      return site == null ? config : config.withSite(site);
    }

    /** The config, with the window defaulting to {@code day} when one is given (the daily run). */
    IngestConfig config(CassandraTarget target, LocalDate day) {
      SiteConfig siteConfig = siteConfig();
      return new IngestConfig(inputs, InputFormat.of(format, siteConfig), siteConfig, salt.resolve(target),
          from == null ? day : from, to == null ? day : to, dryRun);
    }
  }
}
