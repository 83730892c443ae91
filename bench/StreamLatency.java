// The streaming job's latency, from an event entering Kafka to its conversion score being readable
// in Cassandra (docs/BENCHMARKS.md, "Streaming"). Run by bench/stream-latency.sh; by hand:
//   java -cp CLASSPATH bench/StreamLatency.java produce BOOTSTRAP TOPIC RATE SECONDS LOG...
//   java -cp CLASSPATH bench/StreamLatency.java measure KEYSPACE SINCE_MS
//   java -cp CLASSPATH bench/StreamLatency.java copy-models FROM_KEYSPACE TO_KEYSPACE
//   java -cp CLASSPATH bench/StreamLatency.java create-topic BOOTSTRAP TOPIC PARTITIONS
// (CLASSPATH: the job jar and Spark's jars, as bench/stream-latency.sh builds it)
// produce: replays the lines of simulated combined logs at RATE events/s as trailcast JSON events
// stamped with the time they are sent (ms), visitor = the line's address and user agent.
// measure: for every score written since SINCE_MS, writetime(score) - scored_at (= the event's send time).
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
      case "produce" -> produce(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
          Arrays.copyOfRange(args, 5, args.length));
      case "measure" -> measure(args[1], Long.parseLong(args[2]));
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

  static void produce(String bootstrap, String topic, int rate, int seconds, String[] logs) throws Exception {
    List<String[]> events = new ArrayList<>();
    for (String log : logs) {
      try (BufferedReader in = Files.newBufferedReader(Path.of(log))) {
        for (String line = in.readLine(); line != null && events.size() < rate * seconds; line = in.readLine()) {
          Matcher m = COMBINED.matcher(line);
          if (m.find()) {
            events.add(new String[] {m.group(1) + " " + m.group(6), m.group(3), m.group(4), m.group(5), m.group(6)});
          }
        }
      }
    }
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
        "linger.ms", 5, "acks", "1"), new StringSerializer(), new StringSerializer())) {
      producer.partitionsFor(topic);
      long start = System.nanoTime();
      int sent = 0;
      for (String[] e : events) {
        long due = start + sent * 1_000_000_000L / rate;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        String json = "{\"ts\":" + System.currentTimeMillis() + ",\"user\":\"" + Integer.toHexString(e[0].hashCode())
            + "\",\"url\":\"https://www.trailmag.com" + e[1].replace("\"", "") + "\",\"status\":" + e[2]
            + ",\"referrer\":\"" + e[3].replace("\"", "") + "\",\"user_agent\":\"" + e[4].replace("\"", "") + "\"}";
        producer.send(new ProducerRecord<>(topic, e[0], json));
        sent++;
      }
      producer.flush();
      double took = (System.nanoTime() - start) / 1e9;
      System.out.printf("sent %d events in %.1f s: %.0f events/s%n", sent, took, sent / took);
    }
  }

  static void measure(String keyspace, long since) {
    List<Long> latencies = new ArrayList<>();
    try (CqlSession cql = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", 9042))
        .withLocalDatacenter("datacenter1").build()) {
      for (Row r : cql.execute("SELECT scored_at, writetime(score) FROM " + keyspace + ".conversion_scores")) {
        long scored = r.getInstant(0).toEpochMilli();
        if (scored >= since) {
          latencies.add(r.getLong(1) / 1000 - scored);
        }
      }
    }
    latencies.sort(null);
    if (latencies.isEmpty()) {
      System.out.println("no scores since " + since);
      return;
    }
    System.out.printf("%d scores: latency p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n", latencies.size(),
        at(latencies, 0.50), at(latencies, 0.90), at(latencies, 0.99), latencies.get(latencies.size() - 1));
  }

  static long at(List<Long> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
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
