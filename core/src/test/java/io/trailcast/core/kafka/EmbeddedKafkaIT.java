package io.trailcast.core.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.testing.TestKafka;
import io.trailcast.core.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  private static void produce(String bootstrap, String topic, int from, int to) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, "u" + (i % 7), "{\"n\": " + i + "}"));
      }
    }
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
    }
    produce(broker.bootstrap(), topic, 0, 1000);
    SparkSession spark = TestSpark.local();
    assertArrayEquals(new long[] {1000, 1000}, readAvailable(spark, broker.bootstrap(), topic, tmp));
    // From the same checkpoint: only what came since, each message once.
    produce(broker.bootstrap(), topic, 1000, 1300);
    assertArrayEquals(new long[] {1300, 1300}, readAvailable(spark, broker.bootstrap(), topic, tmp));
    assertArrayEquals(new long[] {1300, 1300}, readAvailable(spark, broker.bootstrap(), topic, tmp));
  }
}
