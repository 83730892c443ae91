package io.trailcast.ingest;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.core.spark.Progress;
import io.trailcast.core.spark.ShufflePartitions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.input.PortableDataStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Raw logs into {@code events_by_user}, bad lines into {@code quarantine}: read (executors, a file
 * per task), the pure {@link Ingest} steps, write through the Cassandra connector.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  /** Log text per shuffle partition: some 60,000 lines of combined format. */
  static final long TEXT_BYTES_PER_PARTITION = 16L << 20;

  private IngestJob() {
  }

  public static IngestResult run(SparkSession spark, Store store, IngestConfig config) {
    return run(spark, store, config, rows -> rows);
  }

  /**
   * {@code betweenReadAndWrite}: applied to the rows between the readers and the writers; the
   * identity, but for a test that loses a row on purpose and sees the run fail.
   */
  static IngestResult run(SparkSession spark, Store store, IngestConfig config,
      java.util.function.UnaryOperator<Dataset<Row>> betweenReadAndWrite) {
    CassandraTarget target = store.target();
    Map<String, InputFormat> files = InputFiles.resolve(config.inputs(), config.format(),
        spark.sparkContext().hadoopConfiguration());
    files.forEach((file, format) -> LOG.info("input {}: {}{}", file, format.label(),
        config.format() == InputFormat.AUTO ? " (detected)" : ""));
    return JobRuns.record(store, config.dryRun() ? "ingest-dry-run" : "ingest", new ArrayList<>(files.keySet()),
        config.from(), config.to(), (session, run) -> {
          Salts.requireSameSalt(session, target.keyspace(), config.salt());
          LOG.info("ingest run {} started: {} file(s), site {}, {}, into {}", run.runId(), files.size(),
              config.site().site(), config.hasWindow() ? "days " + config.from() + ".." + config.to() : "all days",
              target.describe());
          IngestSink.Counters counters = IngestSink.Counters.create(spark.sparkContext(), "ingest");
          Suppression suppression = Suppression.load(session, target.keyspace());
          int partitions = ShufflePartitions.forInput(spark, InputFiles.textBytes(files.keySet(),
              spark.sparkContext().hadoopConfiguration()), TEXT_BYTES_PER_PARTITION);
          Set<LocalDate> aggregated = IngestSink.readAggregatedDays(session, target.keyspace());
          IngestResult result = ShufflePartitions.with(spark, partitions, () -> ingest(spark, target, config, files,
              suppression, aggregated, counters, betweenReadAndWrite));
          List<String> unbalanced = LineAccounts.unbalanced(counters.lines().value());
          if (!unbalanced.isEmpty() || !result.balanced()) {
            throw new IllegalStateException("counts do not add up: " + (unbalanced.isEmpty() ? result.line()
                : String.join("; ", unbalanced)));
          }
          if (!config.dryRun()) {
            IngestDays.write(session, IngestDays.rows(counters.days().value(), config.from(), config.to(),
                LocalDate.ofInstant(run.startedAt(), config.site().zone())), counters.delays().value(), run.runId(),
                run.startedAt());
          }
          LOG.info("ingest run {} done in {} s: {}", run.runId(),
              (System.currentTimeMillis() - run.startedAt().toEpochMilli()) / 1000, result.line());
          return result;
        }, IngestResult::counts);
  }

  private static IngestResult ingest(SparkSession spark, CassandraTarget target, IngestConfig config,
      Map<String, InputFormat> files, Suppression suppression, Set<LocalDate> aggregated,
      IngestSink.Counters counters, java.util.function.UnaryOperator<Dataset<Row>> betweenReadAndWrite) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Map<String, InputFormat>> formats = context.broadcast(Map.copyOf(files));
    Broadcast<EventBuilder> builder = context.broadcast(new EventBuilder(config.site(), config.salt()));
    LongAccumulator lines = spark.sparkContext().longAccumulator("ingest lines");
    JavaRDD<Row> rdd = context.binaryFiles(String.join(",", files.keySet()), files.size())
        .flatMap(file -> readFile(file, formats.value(), builder.value(), lines));
    Dataset<Row> marked = betweenReadAndWrite.apply(Ingest.markDuplicates(spark.createDataFrame(rdd,
        IngestRows.SCHEMA)));
    IngestSink sink = new IngestSink(CassandraWriter.connector(spark), target.keyspace(), config, counters,
        suppression, aggregated);
    Progress progress = Progress.start(spark, "ingest", lines::value);
    try {
      // One pass: read, parse, one shuffle, then both tables written and every row counted.
      marked.foreachPartition((ForeachPartitionFunction<Row>) sink::write);
    } finally {
      progress.close();
    }
    long[] total = LineAccounts.total(counters.lines().value());
    return new IngestResult(total[LineAccounts.Outcome.LINES.ordinal()], total[LineAccounts.Outcome.BLANK.ordinal()],
        counters.read().value(), counters.written().value(), counters.duplicates().value(),
        counters.quarantined().value(), counters.filtered().value(), counters.suppressed().value(),
        counters.bots().value(), files);
  }

  private static Iterator<Row> readFile(Tuple2<String, PortableDataStream> file, Map<String, InputFormat> formats,
      EventBuilder builder, LongAccumulator lines) throws java.io.IOException {
    InputFormat format = formats.getOrDefault(file._1(), InputFormat.AUTO);
    Iterator<Row> rows = new InputFileRows(file._2().open(), file._1(), format, builder);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        lines.add(1);
        return rows.next();
      }
    };
  }
}
