// Single-thread parse + normalise rate of ingest's per-line code (no Spark), on one log file.
// Run from the checkout root after `mvn -B -DskipTests package`:
//   FILE=/tmp/bench2m/logs/access-2026-01-05.log jshell --class-path \
//     "$(cat deploy/spark-runtime/target/spark.classpath):deploy/target/trailcast-jobs.jar" -R-Xmx2g bench/parse-rate.jsh
import io.trailcast.ingest.*;
import java.nio.file.*;
var builder = new EventBuilder(SiteConfig.defaults(), "salt");
var file = Path.of(System.getenv("FILE"));
for (int round = 0; round < 5; round++) {
  long t0 = System.nanoTime();
  long events = 0;
  try (var in = InputFileRows.decompressed(Files.newInputStream(file))) {
    var lines = new LineReader(in, LineIngester.MAX_LINE_BYTES);
    var ingester = new LineIngester(file.toString(), InputFormat.AUTO, builder);
    long lineNo = 0;
    while (lines.next()) {
      Object outcome = ingester.accept(lines.bytes(), lines.overLong(), lines.totalBytes(), ++lineNo);
      if (outcome instanceof Event e) {
        IngestRows.of(e);
        events++;
      }
    }
  }
  long ms = (System.nanoTime() - t0) / 1_000_000;
  System.out.printf("round %d: %,d events in %,d ms (%,.0f lines/s)%n", round, events, ms, events * 1000.0 / ms);
}
/exit
