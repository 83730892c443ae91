// serve's latency at a fixed request rate (docs/BENCHMARKS.md, "Serving"). Run by bench/serve-latency.sh; by hand:
//   java -cp CLASSPATH bench/ServeLatency.java BASE_URL RATE SECONDS PATHS_FILE
// Open loop: request i is due at start + i/RATE whatever the answers before it, and its latency is
// counted from that due time to the end of its answer (no coordinated omission); the paths of
// PATHS_FILE are asked in turn. Prints p50/p90/p99/max (HdrHistogram) and the statuses.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

public class ServeLatency {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    int rate = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    List<String> paths = Files.readAllLines(Path.of(args[3])).stream().filter(p -> !p.isBlank()).toList();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .executor(Executors.newFixedThreadPool(4)).build();
    // Warm the server and the client up for a few seconds first: not counted.
    run(http, base, paths, rate, 5, null, null);
    Histogram histogram = new Histogram(60_000_000L, 3);
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    long took = run(http, base, paths, rate, seconds, histogram, statuses);
    System.out.printf("%d requests in %.1f s (%.0f/s): latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; "
        + "statuses %s%n", histogram.getTotalCount(), took / 1e9, histogram.getTotalCount() / (took / 1e9),
        histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(90) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0, new TreeMap<>(statuses));
    System.exit(0);
  }

  static long run(HttpClient http, String base, List<String> paths, int rate, int seconds, Histogram histogram,
      Map<Integer, AtomicLong> statuses) {
    long start = System.nanoTime();
    int total = rate * seconds;
    CompletableFuture<?>[] all = new CompletableFuture<?>[total];
    for (int i = 0; i < total; i++) {
      long due = start + (long) i * 1_000_000_000L / rate;
      long ahead = due - System.nanoTime();
      if (ahead > 0) {
        LockSupport.parkNanos(ahead);
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + paths.get(i % paths.size())))
          .timeout(Duration.ofSeconds(10)).build();
      all[i] = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
        long micros = (System.nanoTime() - due) / 1000;
        if (histogram != null) {
          synchronized (histogram) {
            histogram.recordValue(Math.max(1, micros));
          }
          statuses.computeIfAbsent(error == null ? response.statusCode() : -1, k -> new AtomicLong()).incrementAndGet();
        }
        return null;
      });
    }
    CompletableFuture.allOf(all).join();
    return System.nanoTime() - start;
  }
}
