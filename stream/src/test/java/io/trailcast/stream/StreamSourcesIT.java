package io.trailcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.kafka.EmbeddedKafka;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestKafka;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import java.io.OutputStream;
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
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

  @Test
  void collectAppendsPostedLinesAndMirroredRequestsToTheTopic() throws Exception {
    EmbeddedKafka.Status broker = TestKafka.broker();
    String topic = "it-collect";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    HttpClient http = HttpClient.newHttpClient();
    try (Collector collector = Collector.start("127.0.0.1", 0, broker.bootstrap(), topic)) {
      String base = "http://127.0.0.1:" + collector.port();
      HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/events"))
          .POST(HttpRequest.BodyPublishers.ofString(String.format(PAGE, 1, "") + "\r\n\n{\"ts\": 1}\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(204, posted.statusCode(), "blank lines are no events");
      HttpResponse<String> mirrored = http.send(HttpRequest.newBuilder(URI.create(base + "/mirror"))
          .header("X-Forwarded-For", "198.51.100.7, 10.0.0.1").header("X-Original-URI", "/travel/rome?q=\"x\"")
          .header("User-Agent", "Mozilla/5.0 (iPhone) Mobile").header("X-Original-Status", "404").build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(204, mirrored.statusCode());
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(health.body().startsWith("ok: 3 sent, 0 dropped, 0 failed"), health.body());
    }
    List<String> messages = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
        broker.bootstrap(), "group.id", "it", "auto.offset.reset", "earliest"), new StringDeserializer(),
        new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (messages.size() < 3 && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> messages.add(r.value()));
      }
    }
    assertEquals(String.format(PAGE, 1, ""), messages.get(0));
    assertEquals("{\"ts\": 1}", messages.get(1), "bad events are the stream job's to quarantine");
    assertTrue(messages.get(2).matches("198\\.51\\.100\\.7 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "
        + "\"GET /travel/rome\\?q=x HTTP/1\\.1\" 404 0 \"-\" \"Mozilla/5\\.0 \\(iPhone\\) Mobile\""), messages.get(2));
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
    StreamJob.Result result = StreamJob.run(spark, target, options("dir:" + landing, tmp.resolve("checkpoint")));
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
      assertEquals(5, StreamJob.run(spark, target, options(source, checkpoint)).counts().get("events_written"));

      for (int i = 5; i < 10; i++) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, String.format(PAGE, i, "b" + i)))
            .get();
      }
      admin.deleteRecords(Map.of(partition, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(8))).all()
          .get();
      io.trailcast.core.UserException stopped = org.junit.jupiter.api.Assertions.assertThrows(
          io.trailcast.core.UserException.class, () -> StreamJob.run(spark, target, options(source, checkpoint)));
      assertTrue(stopped.getMessage().startsWith("Kafka data loss: offsets of topic it-loss"), stopped.getMessage());

      StreamJob.Options allowing = withSource(options(source, checkpoint),
          StreamSource.parse(source).allowingDataLoss());
      assertEquals(2, StreamJob.run(spark, target, allowing).counts().get("events_written"), "offsets 8 and 9");
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
