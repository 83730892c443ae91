// The aggregate's own cost once the JVM is warm (docs/BENCHMARKS.md, "Small runs"): RUNS aggregates
// of one day in one JVM, each with its wall time, the Spark jobs and tasks it ran (a listener) and the
// classes Spark generated for it.
// Run by bench/small-runs.sh; by hand, from the checkout root with the embedded node up:
//   java $(cat deploy/target/launcher/jvm.flags) -cp "$(cat deploy/spark-runtime/target/spark.classpath):deploy/target/trailcast-jobs.jar" \
//     bench/WarmAggregate.java KEYSPACE DAY RUNS
import io.trailcast.aggregate.AggregateJob;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.SparkSessions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

public class WarmAggregate {
  public static void main(String[] args) {
    CassandraTarget target = CassandraTarget.embedded(CassandraTarget.DEFAULT_PORT, args[0]);
    LocalDate day = LocalDate.parse(args[1]);
    int runs = Integer.parseInt(args[2]);
    SparkSession spark = SparkSessions.create("warm-aggregate", target);
    AtomicInteger jobs = new AtomicInteger();
    AtomicInteger tasks = new AtomicInteger();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        jobs.incrementAndGet();
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd task) {
        tasks.incrementAndGet();
      }
    });
    try (Store store = Store.open(target)) {
      for (int run = 1; run <= runs; run++) {
        jobs.set(0);
        tasks.set(0);
        long compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
        long started = System.nanoTime();
        AggregateJob.run(spark, store, day, day, SessionRules.defaults(ZoneOffset.UTC));
        System.out.printf("aggregate %d of %d: %.2f s, %d Spark jobs, %d tasks, %d classes generated%n", run, runs,
            (System.nanoTime() - started) / 1e9, jobs.get(), tasks.get(),
            CodegenMetrics.METRIC_COMPILATION_TIME().getCount() - compiled);
      }
    } finally {
      spark.stop();
    }
  }
}
