// Scoring cost of `themes assign`: N distinct synthetic URLs (default 1,000,000; words drawn from
// the vectors' vocabulary, a host, a section and a slug with digits, as real article URLs look)
// (jshell reads a line starting with "." as a new statement: chains break after the dot here)
// themed by the ThemeAssigner in Spark local[2], the assigner broadcast once to the executors.
// Cassandra is left out (its write rate is in the ingest benchmark). Run from the checkout root
// after `mvn -B -DskipTests package`, with a vectors file (for instance WordNet's, docs/BENCHMARKS.md):
//   VECTORS=var/models/word2vec/w2v-....txt N=1000000 jshell --class-path \
//     "$(cat deploy/spark-runtime/target/spark.classpath):deploy/target/trailcast-jobs.jar" \
//     -R-Xmx4g $(sed 's/\(^\| \)-/ -R-/g' deploy/target/launcher/jvm.flags) bench/themes-assign-rate.jsh
import io.trailcast.enrich.themes.*;
import io.trailcast.enrich.tokens.*;
import io.trailcast.enrich.vectors.*;
import java.nio.file.*;
import java.util.*;
import org.apache.spark.sql.*;
import org.apache.spark.api.java.function.*;
int n = Integer.parseInt(System.getenv().getOrDefault("N", "1000000"));
var vectors = WordVectors.read(Path.of(System.getenv("VECTORS")));
var assigner = new ThemeAssigner(ThemeDefinitions.defaults(), vectors, "bench", new UrlTokenizer(Language.AUTO, false, null));
var words = new ArrayList<>(vectors.vocabulary());
Collections.sort(words);
var random = new Random(7);
var urls = new ArrayList<String>(n);
for (int i = 0; i < n; i++) {
  urls.add("www.site" + (i % 50) + ".com/" + words.get(random.nextInt(words.size())) + "/"
      + words.get(random.nextInt(words.size())) + "-" + words.get(random.nextInt(words.size())) + "-"
      + words.get(random.nextInt(words.size())) + "-" + i);
}
var spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").
    config("spark.driver.host", "127.0.0.1").getOrCreate();
var shared = spark.sparkContext().broadcast(assigner, scala.reflect.ClassTag$.MODULE$.apply(ThemeAssigner.class));
var data = spark.createDataset(urls, Encoders.STRING()).repartition(8).cache();
System.out.printf("%,d URLs, vocabulary %,d, dimension %d%n", data.count(), vectors.size(), vectors.dimension());
for (int round = 0; round < 2; round++) {
  long t0 = System.nanoTime();
  long unknown = data.mapPartitions((MapPartitionsFunction<String, String>) it -> {
    var local = shared.value();
    var out = new ArrayList<String>();
    while (it.hasNext()) {
      out.add(local.assign(it.next()).theme());
    }
    return out.iterator();
  }, Encoders.STRING()).filter((FilterFunction<String>) t -> t.equals("unknown")).count();
  double s = (System.nanoTime() - t0) / 1e9;
  System.out.printf("round %d: %,d URLs themed in %.1f s (%,.0f URLs/s on 2 cores), %,d unknown%n", round, n, s,
      n / s, unknown);
}
spark.stop();
/exit
