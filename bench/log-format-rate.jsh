// Single-thread parse rate of one log file's lines, read the same way three times: by the hand-written
// combined parser (ingest's fast path), by the httpdlog parser given the same format as an Apache LogFormat
// string (what --log-format pays for a format of its own), and through the whole per-line path with
// that format string (parse + normalise). Run from the checkout root after `mvn -B -DskipTests package`:
//   FILE=/tmp/bench2m/logs/access-2026-01-05.log jshell --class-path \
//     "$(cat deploy/spark-runtime/target/spark.classpath):deploy/target/trailcast-jobs.jar" -R-Xmx2g \
//     bench/log-format-rate.jsh
import io.trailcast.ingest.*;
import io.trailcast.ingest.parse.*;
import java.nio.file.*;
import java.util.*;
var file = Path.of(System.getenv("FILE"));
List<String> lines = new ArrayList<>();
try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(InputFileRows.decompressed(Files.newInputStream(file)),
    java.nio.charset.StandardCharsets.UTF_8))) {
  for (String line = in.readLine(); line != null; line = in.readLine()) lines.add(line);
}
var library = FormatStringParser.withoutFastPath(FormatStringParser.COMBINED);
var site = SiteConfig.defaults().withLogFormat("%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D");
var builder = new EventBuilder(site, "salt");
// The same lines with a trailing %D (microseconds), so that the format string is not the textbook one.
List<String> withD = lines.stream().map(l -> l + " 1532").toList();
for (int round = 0; round < 5; round++) {
  long t0 = System.nanoTime();
  long ok = 0;
  for (String l : lines) if (!CombinedLogParser.parse(l).isRejected()) ok++;
  long t1 = System.nanoTime();
  long ok2 = 0;
  for (String l : lines) if (!library.parse(l).isRejected()) ok2++;
  long t2 = System.nanoTime();
  var ingester = new LineIngester(file.toString(), InputFormat.LOG_FORMAT, builder);
  long events = 0;
  long n = 0;
  for (String l : withD) if (ingester.accept(l.getBytes(java.nio.charset.StandardCharsets.UTF_8), false, l.length(), ++n)
      instanceof Event) events++;
  long t3 = System.nanoTime();
  System.out.printf("round %d, %,d lines: hand-written %,.0f lines/s (%,d parsed); httpdlog %,.0f lines/s (%,d parsed); "
      + "--log-format '... %%D' parse + normalise %,.0f lines/s (%,d events)%n", round, lines.size(),
      lines.size() * 1e9 / (t1 - t0), ok, lines.size() * 1e9 / (t2 - t1), ok2, lines.size() * 1e9 / (t3 - t2), events);
}
/exit
