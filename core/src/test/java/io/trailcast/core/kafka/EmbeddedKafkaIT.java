package io.trailcast.core.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.testing.TestKafka;
import io.trailcast.core.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real KRaft broker in its own JVM: reused when live, read by Spark's Kafka source from a checkpoint. */
class EmbeddedKafkaIT {
  @TempDir
  Path tmp;

  /**
   * Sends messages {@code from..to-1} and waits for every acknowledgement: a send the broker refused
   * fails here with its cause instead of showing up later as a short count on the reading side.
   */
  private static void produce(String bootstrap, String topic, int from, int to) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      for (int i = from; i < to; i++) {
        sends.add(producer.send(new ProducerRecord<>(topic, "u" + (i % 7), "{\"n\": " + i + "}")));
      }
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
    }
  }

  /**
   * Waits until every partition of a new topic has a leader. Sends to a partition whose leader the
   * broker has not yet elected wait in the producer and expired there after 120 s on a busy machine
   * (223 records of partition 0, once: the short count CI saw).
   */
  private static void awaitLeaders(Admin admin, String topic) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (true) {
      org.apache.kafka.clients.admin.TopicDescription description = admin.describeTopics(List.of(topic))
          .allTopicNames().get().get(topic);
      if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "no leader for every partition of " + topic + " in 60 s: "
          + description);
      Thread.sleep(100);
    }
  }

  /** The sum of the topic's end offsets as the broker reports them (what Spark's source snapshots). */
  private static long endOffsets(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int partition = 0; partition < 2; partition++) {
      latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
    }
    return admin.listOffsets(latest).all().get().values().stream()
        .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
  }

  /**
   * Reads what the topic holds beyond the checkpoint into a parquet folder, then stops
   * (Trigger.AvailableNow); returns the rows the folder holds and how many distinct messages.
   */
  private static long[] readAvailable(SparkSession spark, String bootstrap, String topic, Path dir) throws Exception {
    StreamingQuery query = spark.readStream().format("kafka").option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic).option("startingOffsets", "earliest").load()
        .selectExpr("CAST(value AS STRING) AS value", "partition", "offset")
        .writeStream().format("parquet").option("path", dir.resolve("sink").toString())
        .option("checkpointLocation", dir.resolve("checkpoint").toString())
        .trigger(Trigger.AvailableNow()).start();
    query.awaitTermination();
    Dataset<Row> sink = spark.read().parquet(dir.resolve("sink").toString());
    return new long[] {sink.count(), sink.select("partition", "offset").distinct().count()};
  }

  @Test
  void aBrokerIsStartedOnceAndSparkReadsEachMessageOnce() throws Exception {
    EmbeddedKafka.Status broker = TestKafka.broker();
    assertTrue(broker.ready(), broker.describe());
    assertEquals(broker.pid(), EmbeddedKafka.start(new BrokerSpec(broker.dataDir(), broker.port(), 0, 256, null))
        .pid(), "a live broker is reused");

    String topic = "it-events";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      awaitLeaders(admin, topic);
      produce(broker.bootstrap(), topic, 0, 1000);
      // The broker's own count first: a short count below is then Spark's reading, not the producer.
      assertEquals(1000, endOffsets(admin, topic), "messages the broker acknowledged");
      SparkSession spark = TestSpark.local();
      assertArrayEquals(new long[] {1000, 1000}, readAvailable(spark, broker.bootstrap(), topic, tmp));
      // From the same checkpoint: only what came since, each message once.
      produce(broker.bootstrap(), topic, 1000, 1300);
      assertEquals(1300, endOffsets(admin, topic), "messages the broker acknowledged");
      assertArrayEquals(new long[] {1300, 1300}, readAvailable(spark, broker.bootstrap(), topic, tmp));
      assertArrayEquals(new long[] {1300, 1300}, readAvailable(spark, broker.bootstrap(), topic, tmp));
    }
  }
}
