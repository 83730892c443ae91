package io.trailcast.stream;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.kafka.BrokerSpec;
import io.trailcast.core.kafka.EmbeddedKafka;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestKafka;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sources of the streaming job: events posted to the collector and requests nginx mirrors to
 * it, through Kafka; log files landing in a directory. Bad lines land in quarantine with their
 * reason, as in a batch ingest.
 */
class StreamSourcesIT {
  private static final String PAGE = "203.0.113.9 - - [20/Jan/2026:10:00:%02d +0000] \"GET /%s HTTP/1.1\" 200 900 "
      + "\"-\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\"";
  @TempDir
  Path tmp;

  private StreamJob.Options options(String source, Path checkpoint) {
    return new StreamJob.Options(StreamSource.parse(source), InputFormat.AUTO, SiteConfig.defaults(), "salt",
        checkpoint.toString(), true, null, Duration.ZERO, 0, Duration.ofMinutes(10), Duration.ofSeconds(30),
        "earliest", 100, Duration.ofMinutes(10), 0);
  }

  /** Five seconds, as serve's: the JDK server reads its request time limit once per JVM, from the first one. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static Collector collector(String topic, int threads) throws Exception {
    return collector(TestKafka.broker().bootstrap(), topic, threads);
  }

  private static Collector collector(String bootstrap, String topic, int threads) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    return Collector.start(new Collector.Options(new BoundedHttpServer.Options("127.0.0.1", 0, threads, 16,
        REQUEST_TIMEOUT), bootstrap, topic, ACK_TIMEOUT));
  }

  private HttpResponse<String> post(Collector collector, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.port() + "/events"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The topic's messages from the start, read until they are {@code enough} (or 30 s). */
  private static List<String> messages(String topic, Predicate<List<String>> enough) {
    return messages(TestKafka.broker().bootstrap(), topic, enough);
  }

  private static List<String> messages(String bootstrap, String topic, Predicate<List<String>> enough) {
    List<String> messages = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
        new StringDeserializer(), new StringDeserializer())) {
      // Its one partition assigned, not subscribed to: no consumer group to join.
      List<TopicPartition> partition = List.of(new TopicPartition(topic, 0));
      consumer.assign(partition);
      consumer.seekToBeginning(partition);
      long deadline = System.currentTimeMillis() + 30_000;
      while (!enough.test(messages) && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> messages.add(r.value()));
      }
    }
    return messages;
  }

  @Test
  void collectAppendsPostedLinesAndMirroredRequestsToTheTopic() throws Exception {
    String topic = "it-collect";
    try (Collector collector = collector(topic, 4)) {
      String base = "http://127.0.0.1:" + collector.port();
      HttpResponse<String> posted = post(collector, String.format(PAGE, 1, "") + "\r\n\n{\"ts\": 1}\n");
      assertEquals(204, posted.statusCode(), "blank lines are no events");
      HttpResponse<String> mirrored = http.send(HttpRequest.newBuilder(URI.create(base + "/mirror"))
          .header("X-Forwarded-For", "198.51.100.7, 10.0.0.1").header("X-Original-URI", "/travel/rome?q=\"x\"")
          .header("User-Agent", "Mozilla/5.0 (iPhone) Mobile").header("X-Original-Status", "404").build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(204, mirrored.statusCode());
      HttpResponse<String> mirroredPath = http.send(HttpRequest.newBuilder(URI.create(base + "/mirror/news?id=7"))
          .header("X-Real-IP", "192.0.2.4").header("User-Agent", "Lynx/2.9").method("PUT",
              HttpRequest.BodyPublishers.ofString("ignored")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(204, mirroredPath.statusCode(), "any method, the URI after /mirror");
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/events")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(405, get.statusCode());
      assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
      for (String path : List.of("/", "/event", "/mirrored", "/health/x")) {
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(String.format(PAGE, 2, ""))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(400, unknown.statusCode(), path + " is no mirrored request any more");
        assertEquals("no such endpoint: POST " + path + " (POST /events (one event per line), /mirror[/...] (a "
            + "request nginx mirrored, any method), GET /health)\n", unknown.body());
      }
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("ok: 4 events sent, 0 requests refused (503), 5 not understood\n", health.body());
    }
    List<String> messages = messages(topic, m -> m.size() >= 4);
    assertEquals(4, messages.size(), messages.toString());
    assertEquals(String.format(PAGE, 1, ""), messages.get(0));
    assertEquals("{\"ts\": 1}", messages.get(1), "bad events are the stream job's to quarantine");
    assertTrue(messages.get(2).matches("198\\.51\\.100\\.7 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "
        + "\"GET /travel/rome\\?q=x HTTP/1\\.1\" 404 0 \"-\" \"Mozilla/5\\.0 \\(iPhone\\) Mobile\""), messages.get(2));
    assertTrue(messages.get(3).matches("192\\.0\\.2\\.4 - - \\[[^]]+\\] \"PUT /news\\?id=7 HTTP/1\\.1\" 200 0 \"-\" "
        + "\"Lynx/2\\.9\""), messages.get(3));
  }

  @Test
  void aStoppedBrokerGets503WithinTheAckTimeoutAndTheRestartedOne204(@TempDir Path dir) throws Exception {
    String topic = "it-collect-outage";
    BrokerSpec own = TestKafka.privateBroker(dir.resolve("kafka"));
    try {
      String bootstrap = EmbeddedKafka.status(own.dataDir()).orElseThrow().bootstrap();
      try (Collector collector = collector(bootstrap, topic, 4)) {
        assertEquals(204, post(collector, "before the outage").statusCode());
        try {
          EmbeddedKafka.stop(own.dataDir());
          long started = System.nanoTime();
          HttpResponse<String> refused = post(collector, "during the outage");
          long tookMs = (System.nanoTime() - started) / 1_000_000;
          assertEquals(503, refused.statusCode(), refused.body());
          assertTrue(refused.body().startsWith("Kafka did not acknowledge the events within 2000 ms; send the request "
              + "again"), refused.body());
          assertTrue(tookMs >= ACK_TIMEOUT.toMillis() && tookMs < ACK_TIMEOUT.toMillis() + 1_500, tookMs + " ms");
        } finally {
          EmbeddedKafka.start(own);
        }
        // The producer reconnects by itself; a client sends again what was refused.
        HttpResponse<String> after = post(collector, "after the outage");
        for (long deadline = System.currentTimeMillis() + 30_000; after.statusCode() == 503
            && System.currentTimeMillis() < deadline; ) {
          after = post(collector, "after the outage");
        }
        assertEquals(204, after.statusCode(), after.body());
        assertTrue(collector.counts().refused() >= 1, collector.counts().line());
      }
      List<String> messages = messages(bootstrap, topic, m -> m.contains("after the outage"));
      assertTrue(messages.containsAll(List.of("before the outage", "after the outage")), messages.toString());
    } finally {
      EmbeddedKafka.stop(own.dataDir());
    }
  }

  @Test
  void slowClientsAreCutOffAndDoNotHoldTheWorkers() throws Exception {
    String topic = "it-collect-slow";
    List<Socket> slow = new ArrayList<>();
    try (Collector collector = collector(topic, 2)) {
      // More clients than workers send half a request and hang.
      for (int i = 0; i < 3; i++) {
        Socket socket = new Socket("127.0.0.1", collector.port());
        slow.add(socket);
        socket.getOutputStream().write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 40\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }
      // A request's time counts from its first byte, waiting in the queue included: this one comes
      // two seconds later, so that it is still in time when the slow ones are cut off (checked each second).
      Thread.sleep(2_000);
      long started = System.nanoTime();
      HttpResponse<String> posted = post(collector, "between slow clients");
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals(204, posted.statusCode(), posted.body());
      // The limit the JDK server really has: the first server of the JVM set it.
      long limitMs = Long.parseLong(System.getProperty("sun.net.httpserver.maxReqTime")) * 1000;
      assertTrue(tookMs < limitMs, "answered once the slow clients were cut off: " + tookMs + " ms");
      for (Socket socket : slow) {
        socket.setSoTimeout(10_000);
        assertTrue(closedByServer(socket), "a slow client's connection is closed without an answer");
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
    assertTrue(messages(topic, m -> !m.isEmpty()).contains("between slow clients"));
  }

  /** The connection ends without a byte of answer: closed (or reset, with the request unread). */
  private static boolean closedByServer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  @Test
  void logFilesLandingInADirectoryAreReadAsIngestReadsThem() throws Exception {
    CassandraTarget target = TestCassandra.keyspaceFor(StreamSourcesIT.class, "dir");
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    Files.writeString(landing.resolve("access-1.log"), String.format(PAGE, 1, "") + "\n" + String.format(PAGE, 2,
        "news") + "\n");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(landing.resolve("access-2.log.gz")))) {
      out.write((String.format(PAGE, 40, "sport") + "\n\u0001binary\n").getBytes(StandardCharsets.UTF_8));
    }
    SparkSession spark = TestSpark.connectedTo(target);
    StreamJob.Result result = StreamJob.run(spark, store(target), options("dir:" + landing, tmp.resolve("checkpoint")));
    assertEquals(3, result.counts().get("events_written"), result.line());
    assertEquals(1, result.counts().get("quarantined"), "the binary line: " + result.line());
    try (CqlSession cql = CqlSessions.open(target)) {
      Row session = cql.execute("SELECT depth, end_reason FROM sessions_by_user").one();
      assertEquals(3, session.getInt(0), "one visitor, one open session of three pages");
      assertEquals("open", session.getString(1));
    }
  }

  /**
   * Offsets the checkpoint had still to read, deleted from the topic as retention would: the stream
   * stops with one line; with --allow-data-loss it goes on and records the lost offsets.
   */
  @Test
  void kafkaOffsetsGoneBeforeTheyWereReadStopTheStreamOrAreRecordedWhenAllowed() throws Exception {
    EmbeddedKafka.Status broker = TestKafka.broker();
    String topic = "it-loss";
    CassandraTarget target = TestCassandra.keyspaceFor(StreamSourcesIT.class, "loss");
    org.apache.kafka.common.TopicPartition partition = new org.apache.kafka.common.TopicPartition(topic, 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()));
        org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
            new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      for (int i = 0; i < 5; i++) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, String.format(PAGE, i, "a" + i)))
            .get();
      }
      SparkSession spark = TestSpark.connectedTo(target);
      String source = "kafka:" + broker.bootstrap() + "/" + topic;
      Path checkpoint = tmp.resolve("loss-checkpoint");
      assertEquals(5, StreamJob.run(spark, store(target), options(source, checkpoint)).counts().get("events_written"));

      for (int i = 5; i < 10; i++) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, String.format(PAGE, i, "b" + i)))
            .get();
      }
      admin.deleteRecords(Map.of(partition, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(8))).all()
          .get();
      io.trailcast.core.UserException stopped = org.junit.jupiter.api.Assertions.assertThrows(
          io.trailcast.core.UserException.class,
          () -> StreamJob.run(spark, store(target), options(source, checkpoint)));
      assertTrue(stopped.getMessage().startsWith("Kafka data loss: offsets of topic it-loss"), stopped.getMessage());

      StreamJob.Options allowing = withSource(options(source, checkpoint),
          StreamSource.parse(source).allowingDataLoss());
      assertEquals(2, StreamJob.run(spark, store(target), allowing).counts().get("events_written"), "offsets 8 and 9");
      try (CqlSession cql = CqlSessions.open(target)) {
        Row status = cql.execute("SELECT lost_offsets, last_loss FROM stream_status WHERE query = 'live'").one();
        assertEquals(3, status.getLong(0));
        assertTrue(status.getString(1).endsWith("3 Kafka offsets gone before they were read (it-loss/0 offsets 5..7)"),
            status.getString(1));
      }
    }
  }

  private static StreamJob.Options withSource(StreamJob.Options o, StreamSource source) {
    return new StreamJob.Options(source, o.format(), o.site(), o.salt(), o.checkpoint(), o.availableNow(), o.runFor(),
        o.trigger(), o.maxPerTrigger(), o.watermarkDelay(), o.modelEvery(), o.startingOffsets(), o.reservoirSize(),
        o.themeRefresh(), o.partitions());
  }
}
