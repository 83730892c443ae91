// The streaming job's latency, from an event entering Kafka to its conversion score being readable
// in Cassandra (docs/BENCHMARKS.md, "Streaming"). Run by bench/stream-latency.sh; by hand:
//   java -cp CLASSPATH bench/StreamLatency.java produce BOOTSTRAP TOPIC RATE SECONDS SENT_CSV LOG...
//   java -cp CLASSPATH bench/StreamLatency.java measure KEYSPACE SENT_CSV [WARMUP_SECONDS]
//   java -cp CLASSPATH bench/StreamLatency.java copy-models FROM_KEYSPACE TO_KEYSPACE
//   java -cp CLASSPATH bench/StreamLatency.java create-topic BOOTSTRAP TOPIC PARTITIONS
// (CLASSPATH: the job jar and Spark's jars, as bench/stream-latency.sh builds it)
// produce: replays simulated combined log lines, unchanged (their own event times, so sessions,
// timeouts and the watermark behave as on a real site, only faster), at RATE lines/s, keyed by
// visitor; SENT_CSV records when the first line of each event-time second was sent (ms).
// measure: for every score row, writetime(score) - the send time of the event it scores (its
// scored_at), in an HdrHistogram: p50/p90/p99/max; events sent in the first WARMUP_SECONDS are
// left out (the job's JVM warming up).
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.BufferedReader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class StreamLatency {
  private static final Pattern COMBINED = Pattern.compile(
      "^(\\S+) \\S+ \\S+ \\[[^\\]]+\\] \"(\\S+) (\\S+)[^\"]*\" (\\d{3}) \\S+ \"([^\"]*)\" \"([^\"]*)\"");

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "produce" -> produce(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5],
          Arrays.copyOfRange(args, 6, args.length));
      case "measure" -> measure(args[1], args[2], args.length > 3 ? Integer.parseInt(args[3]) : 0);
      case "copy-models" -> copyModels(args[1], args[2]);
      case "create-topic" -> {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", args[1]))) {
          admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(args[2], Integer.parseInt(args[3]),
              (short) 1))).all().get();
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static void produce(String bootstrap, String topic, int rate, int seconds, String sentCsv, String[] logs)
      throws Exception {
    List<String> lines = new ArrayList<>();
    for (String log : logs) {
      try (BufferedReader in = Files.newBufferedReader(Path.of(log))) {
        for (String line = in.readLine(); line != null && lines.size() < rate * seconds; line = in.readLine()) {
          lines.add(line);
        }
      }
    }
    java.time.format.DateTimeFormatter clf = java.time.format.DateTimeFormatter.ofPattern(
        "dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH);
    Pattern stamp = Pattern.compile("\\[([^\\]]+)\\]");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
        "linger.ms", 1, "acks", "1"), new StringSerializer(), new StringSerializer());
        java.io.PrintWriter sent = new java.io.PrintWriter(Files.newBufferedWriter(Path.of(sentCsv)))) {
      producer.partitionsFor(topic);
      long start = System.nanoTime();
      long lastSecond = Long.MIN_VALUE;
      int n = 0;
      for (String line : lines) {
        long due = start + n * 1_000_000_000L / rate;
        // Sleep rather than spin, and in ticks of 5 ms (the lines due by then go together): the
        // producer shares the two cores with the job it measures.
        long ahead = due - System.nanoTime();
        if (ahead > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(Math.max(ahead, 5_000_000L));
        }
        Matcher m = COMBINED.matcher(line);
        String visitor = m.find() ? m.group(1) + " " + m.group(6) : line;
        Matcher at = stamp.matcher(line);
        if (at.find()) {
          long second = java.time.ZonedDateTime.parse(at.group(1), clf).toInstant().toEpochMilli();
          if (second != lastSecond) {
            sent.println(second + "," + System.currentTimeMillis());
            lastSecond = second;
          }
        }
        producer.send(new ProducerRecord<>(topic, visitor, line));
        n++;
      }
      producer.flush();
      double took = (System.nanoTime() - start) / 1e9;
      System.out.printf("sent %d lines in %.1f s: %.0f lines/s%n", n, took, n / took);
    }
  }

  static void measure(String keyspace, String sentCsv, int warmupSeconds) throws Exception {
    Map<Long, Long> sentAt = new java.util.HashMap<>();
    long first = Long.MAX_VALUE;
    for (String row : Files.readAllLines(Path.of(sentCsv))) {
      String[] f = row.split(",");
      sentAt.putIfAbsent(Long.parseLong(f[0]), Long.parseLong(f[1]));
      first = Math.min(first, Long.parseLong(f[1]));
    }
    // The first seconds warm the job's JVM up (JIT, caches, first model load): not counted.
    long counted = first + warmupSeconds * 1000L;
    long warm = 0;
    org.HdrHistogram.Histogram histogram = new org.HdrHistogram.Histogram(3_600_000L, 3);
    long unmatched = 0;
    try (CqlSession cql = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", 9042))
        .withLocalDatacenter("datacenter1").build()) {
      for (Row r : cql.execute("SELECT scored_at, writetime(score) FROM " + keyspace + ".conversion_scores")) {
        Long sent = sentAt.get(r.getInstant(0).toEpochMilli() / 1000 * 1000);
        if (sent == null) {
          unmatched++;
          continue;
        }
        if (sent < counted) {
          warm++;
          continue;
        }
        histogram.recordValue(Math.max(0, r.getLong(1) / 1000 - sent));
      }
    }
    if (histogram.getTotalCount() == 0) {
      System.out.println("no scores of the events sent");
      return;
    }
    System.out.printf("%d scores: latency p50 %d ms, p90 %d ms, p99 %d ms, max %d ms (not counted: %d in the first "
        + "%d s, %d of other events)%n", histogram.getTotalCount(), histogram.getValueAtPercentile(50),
        histogram.getValueAtPercentile(90), histogram.getValueAtPercentile(99), histogram.getMaxValue(), warm,
        warmupSeconds, unmatched);
  }

  static void copyModels(String from, String to) {
    try (CqlSession cql = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", 9042))
        .withLocalDatacenter("datacenter1").build()) {
      for (Row r : cql.execute("SELECT kind, version, created_at, path, algorithm, params, metrics, data_from, "
          + "data_to, features FROM " + from + ".models")) {
        cql.execute(cql.prepare("INSERT INTO " + to + ".models (kind, version, created_at, path, algorithm, params, "
            + "metrics, data_from, data_to, features) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").bind(r.getString(0),
            r.getString(1), r.getInstant(2), r.getString(3), r.getString(4), r.getMap(5, String.class, String.class),
            r.getMap(6, String.class, Double.class), r.getLocalDate(7), r.getLocalDate(8),
            r.getList(9, String.class)));
      }
    }
  }
}
