package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.kafka.EmbeddedKafka;
import io.trailcast.core.testing.TestKafka;
import io.trailcast.stream.Collector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailcast collect} in a JVM of its own, stopped with SIGTERM in the middle of a burst: it
 * drains and exits 0, every request it answered 204 is in the topic, the others were refused, and a
 * client sending those again to another collector ends with every event in the topic.
 */
class CollectIT {
  private static final int POSTS = 1_000;
  /** Not answered: refused, reset or closed. */
  private static final int NONE = -1;
  @TempDir
  Path tmp;

  @Test
  void sigtermDrainsAndLosesNothingItAnswered204() throws Exception {
    EmbeddedKafka.Status broker = TestKafka.broker();
    String topic = "it-collect-sigterm-" + System.currentTimeMillis();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    // Its output goes to a file: destroy() closes the pipes of a process.
    Path log = tmp.resolve("collect.log");
    Process collect = launch(log, "collect", "--port", "0", "--kafka", broker.bootstrap(), "--topic", topic);
    AtomicIntegerArray status = new AtomicIntegerArray(POSTS);
    try {
      URI events = URI.create("http://127.0.0.1:" + listeningPort(collect, log) + "/events");
      CountDownLatch half = new CountDownLatch(POSTS / 2);
      ExecutorService clients = postAll(events, IntStream.range(0, POSTS).boxed().toList(), status, half);
      assertTrue(half.await(60, TimeUnit.SECONDS), "half the requests answered 204");
      collect.destroy();
      clients.shutdown();
      assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
      assertTrue(collect.waitFor(60, TimeUnit.SECONDS), "collect drains and exits:\n" + Files.readString(log));
      assertEquals(0, collect.exitValue(), Files.readString(log));
    } finally {
      collect.destroyForcibly();
    }
    Map<Integer, Integer> others = new TreeMap<>();
    Set<String> answered = new HashSet<>();
    List<Integer> again = new ArrayList<>();
    for (int i = 0; i < POSTS; i++) {
      if (status.get(i) == 204) {
        answered.add(line(i));
      } else {
        others.merge(status.get(i), 1, Integer::sum);
        again.add(i);
      }
    }
    String printed = Files.readString(log);
    Matcher counts = Pattern.compile("\\[collect] {3}([\\d,]+) events sent, [\\d,]+ requests refused \\(503\\), 0 not "
        + "understood\n").matcher(printed);
    assertTrue(counts.find(), "the counts are printed last:\n" + printed);
    assertTrue(Long.parseLong(counts.group(1).replace(",", "")) >= answered.size(), counts.group());
    others.keySet().forEach(code -> assertTrue(code == 503 || code == NONE, "not answered 204: " + others));
    assertTrue(answered.size() < POSTS, "stopped in the middle: " + others);
    // The client sends what was not answered 204 again, to another collector.
    try (Collector second = Collector.start(Collector.Options.of("127.0.0.1", 0, broker.bootstrap(), topic))) {
      ExecutorService clients = postAll(URI.create("http://127.0.0.1:" + second.port() + "/events"), again, status,
          new CountDownLatch(0));
      clients.shutdown();
      assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
    }
    for (int i : again) {
      assertEquals(204, status.get(i), line(i));
    }
    Set<String> written = topic(broker.bootstrap(), topic);
    Set<String> lost = new HashSet<>(answered);
    lost.removeAll(written);
    assertEquals(Set.of(), lost, "answered 204 by the collector stopped with SIGTERM, yet not in the topic");
    assertEquals(POSTS, written.size(), "every event once sent again (copies are one)");
  }

  private static String line(int n) {
    return String.format("203.0.113.%d - - [20/Jan/2026:10:00:00 +0000] \"GET /page/%d HTTP/1.1\" 200 900 \"-\" "
        + "\"Mozilla/5.0\"", n % 250, n);
  }

  /**
   * POSTs {@code line(i)} for each {@code i} of {@code which}, 32 at a time, into {@code status[i]}
   * ({@link #NONE} when there was no answer); each 204 counts {@code answered204} down.
   */
  private static ExecutorService postAll(URI events, List<Integer> which, AtomicIntegerArray status,
      CountDownLatch answered204) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    ExecutorService clients = Executors.newFixedThreadPool(32);
    for (int i : which) {
      clients.execute(() -> {
        try {
          status.set(i, http.send(HttpRequest.newBuilder(events).POST(HttpRequest.BodyPublishers.ofString(line(i)))
              .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException e) {
          status.set(i, NONE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          status.set(i, NONE);
        }
        if (status.get(i) == 204) {
          answered204.countDown();
        }
      });
    }
    return clients;
  }

  /** The distinct messages of the topic, read until there are {@link #POSTS} (or 30 s). */
  private static Set<String> topic(String bootstrap, String topic) {
    Set<String> messages = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
        new StringDeserializer(), new StringDeserializer())) {
      // Its partitions assigned, not subscribed to: no consumer group to join.
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 30_000;
      while (messages.size() < POSTS && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> messages.add(r.value()));
      }
    }
    return messages;
  }

  /** The port collect says it listens on, once it has (within a minute). */
  private static int listeningPort(Process collect, Path log) throws IOException, InterruptedException {
    Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
    for (long deadline = System.currentTimeMillis() + 60_000; collect.isAlive()
        && System.currentTimeMillis() < deadline; Thread.sleep(50)) {
      Matcher port = listening.matcher(Files.readString(log));
      if (port.find()) {
        return Integer.parseInt(port.group(1));
      }
    }
    throw new AssertionError("collect did not start:\n" + Files.readString(log));
  }

  /** {@code trailcast ARGS} in a child JVM on the test classpath, its output (both streams) in {@code log}. */
  private static Process launch(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
