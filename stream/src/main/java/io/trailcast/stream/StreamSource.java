package io.trailcast.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import io.trailcast.core.UserException;
import io.trailcast.ingest.EventBuilder;
import io.trailcast.ingest.IngestRows;
import io.trailcast.ingest.InputFileRows;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.LineIngester;
import io.trailcast.ingest.Rejected;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Where live events come from, as {@code --source} names it: {@code kafka:HOST[:PORT][,HOST[:PORT]]/TOPIC}
 * (a message is a raw log line or a trailcast JSON event) or {@code dir:PATH} (a landing directory
 * where rotated log files arrive, plain or gzip). Both give ingest's rows ({@link IngestRows}),
 * parsed by the batch code: a file of the directory exactly as {@code ingest} reads it, a Kafka
 * message as a line whose source is {@code kafka:TOPIC/PARTITION} and line number its offset.
 *
 * <p>Kafka offsets the checkpoint still has to read but the topic no longer holds (retention passed
 * them, or the topic was recreated) fail the job by default; {@code allowDataLoss} skips them, as
 * Spark's {@code failOnDataLoss=false} does, with Spark's warning in the log.
 */
public record StreamSource(String kind, String servers, String topic, String path, boolean allowDataLoss)
    implements Serializable {
  private static final Pattern KAFKA = Pattern.compile("kafka:([^/\\s]+)/([\\w.-]+)");

  public static StreamSource parse(String spec) {
    Matcher kafka = KAFKA.matcher(spec);
    if (kafka.matches()) {
      List<String> servers = new ArrayList<>();
      for (String server : kafka.group(1).split(",")) {
        if (server.isBlank()) {
          throw new UserException("bad --source '" + spec + "': empty broker address");
        }
        // A broker without a port listens on Kafka's default one.
        servers.add(server.contains(":") ? server : server + ":9092");
      }
      return new StreamSource("kafka", String.join(",", servers), kafka.group(2), null, false);
    }
    if (spec.startsWith("dir:") && spec.length() > 4) {
      return new StreamSource("dir", null, null, spec.substring(4), false);
    }
    throw new UserException("bad --source '" + spec + "': use kafka:HOST[:PORT]/TOPIC or dir:PATH");
  }

  /** The same source, skipping Kafka offsets that are gone instead of failing ({@code --allow-data-loss}). */
  public StreamSource allowingDataLoss() {
    return new StreamSource(kind, servers, topic, path, true);
  }

  /** The source as the user wrote it. */
  public String describe() {
    return kind.equals("kafka") ? "kafka:" + servers + "/" + topic : "dir:" + path;
  }

  /**
   * The parsed rows of the stream: events and rejected lines. {@code maxPerTrigger} caps a
   * micro-batch (Kafka messages or files; 0 for no cap).
   */
  public Dataset<Row> rows(SparkSession spark, InputFormat format, EventBuilder builder, String startingOffsets,
      long maxPerTrigger) {
    return rows(spark, format, builder, startingOffsets, maxPerTrigger, null);
  }

  /** As above; {@code seen} (Kafka only, may be null) gets the offsets each task read, per partition. */
  Dataset<Row> rows(SparkSession spark, InputFormat format, EventBuilder builder, String startingOffsets,
      long maxPerTrigger, CollectionAccumulator<KafkaOffsets.Seen> seen) {
    DataStreamReader reader = spark.readStream();
    if (kind.equals("kafka")) {
      reader = reader.format("kafka").option("kafka.bootstrap.servers", servers).option("subscribe", topic)
          .option("startingOffsets", startingOffsets)
          // Offsets gone from the topic are events lost: the job stops and says so, unless told to skip them.
          .option("failOnDataLoss", Boolean.toString(!allowDataLoss));
      if (maxPerTrigger > 0) {
        reader = reader.option("maxOffsetsPerTrigger", maxPerTrigger);
      }
      Dataset<Row> messages = reader.load().select(
          concat(lit("kafka:"), col("topic"), lit("/"), col("partition").cast("string")).as("source"),
          col("offset"), col("value"));
      MessageParser parser = new MessageParser(format, builder, seen);
      return messages.mapPartitions((MapPartitionsFunction<Row, Row>) parser::parsePartition,
          Encoders.row(IngestRows.SCHEMA));
    }
    if (maxPerTrigger > 0) {
      reader = reader.option("maxFilesPerTrigger", maxPerTrigger);
    }
    // The binary file source's own schema: a streaming source must be given one.
    StructType binaryFile = new StructType().add("path", DataTypes.StringType)
        .add("modificationTime", DataTypes.TimestampType).add("length", DataTypes.LongType)
        .add("content", DataTypes.BinaryType);
    Dataset<Row> files = reader.format("binaryFile").schema(binaryFile).load(path).select("path", "content");
    return files.flatMap((FlatMapFunction<Row, Row>) file -> new InputFileRows(
        new ByteArrayInputStream((byte[]) file.get(1)), file.getString(0), format, builder),
        Encoders.row(IngestRows.SCHEMA));
  }

  /**
   * Kafka messages into ingest rows: one line (the usual case), or each line of a message that holds
   * several; per partition of a micro-batch, last, the count of lines read ({@link IngestRows#lineCount}).
   */
  static final class MessageParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private final InputFormat format;
    private final EventBuilder builder;
    private final CollectionAccumulator<KafkaOffsets.Seen> seen;

    MessageParser(InputFormat format, EventBuilder builder, CollectionAccumulator<KafkaOffsets.Seen> seen) {
      this.format = format;
      this.builder = builder;
      this.seen = seen;
    }

    /** A partition's messages, then its line count: every line read, and those without data. */
    Iterator<Row> parsePartition(Iterator<Row> messages) {
      // lines, lines without data, messages, lowest and highest offset
      long[] tally = {0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
      return new Iterator<>() {
        private Iterator<Row> current = java.util.Collections.emptyIterator();
        private String source;
        private boolean counted;

        @Override
        public boolean hasNext() {
          while (!current.hasNext()) {
            if (messages.hasNext()) {
              Row message = messages.next();
              source = message.getString(0);
              tally[2]++;
              tally[3] = Math.min(tally[3], message.getLong(1));
              tally[4] = Math.max(tally[4], message.getLong(1));
              current = parse(message, tally);
            } else if (!counted && source != null) {
              counted = true;
              if (seen != null) {
                seen.add(new KafkaOffsets.Seen(source.substring("kafka:".length()), tally[3], tally[4], tally[2]));
              }
              current = List.of(IngestRows.lineCount(source, tally[0], tally[1])).iterator();
            } else {
              return false;
            }
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return current.next();
        }
      };
    }

    /** One message's rows; {@code tally} gets its lines (an empty message is one) and its lines without data. */
    Iterator<Row> parse(Row message, long[] tally) {
      String source = message.getString(0);
      long offset = message.getLong(1);
      byte[] value = message.isNullAt(2) ? new byte[0] : (byte[]) message.get(2);
      List<byte[]> lines = lines(value);
      List<Row> out = new ArrayList<>(lines.size());
      // Several lines in one message: each its own line of the source "kafka:TOPIC/PARTITION@OFFSET".
      String lineSource = lines.size() == 1 ? source : source + "@" + offset;
      Map<InputFormat, LineIngester> ingesters = new HashMap<>();
      for (int i = 0; i < lines.size(); i++) {
        byte[] line = lines.get(i);
        long lineNo = lines.size() == 1 ? offset : i + 1;
        InputFormat lineFormat = format != InputFormat.AUTO ? format
            : InputFormat.detect(new String(line, StandardCharsets.UTF_8));
        LineIngester ingester = ingesters.computeIfAbsent(lineFormat, f -> new LineIngester(lineSource, f, builder));
        Object outcome = ingester.accept(line.length > LineIngester.MAX_LINE_BYTES
            ? Arrays.copyOf(line, LineIngester.MAX_LINE_BYTES) : line, line.length > LineIngester.MAX_LINE_BYTES,
            line.length, lineNo);
        if (outcome instanceof io.trailcast.ingest.Event event) {
          out.add(IngestRows.of(event));
        } else if (outcome instanceof Rejected rejected) {
          out.add(IngestRows.of(rejected));
        } else {
          tally[1]++;
        }
      }
      tally[0] += Math.max(1, lines.size());
      if (out.isEmpty() && lines.isEmpty()) {
        out.add(IngestRows.of(new Rejected(source, offset, "empty message", "")));
      }
      return out.iterator();
    }

    /** The lines of a message, without their line ends; blank lines kept (the ingester skips them). */
    static List<byte[]> lines(byte[] value) {
      List<byte[]> lines = new ArrayList<>();
      int start = 0;
      for (int i = 0; i <= value.length; i++) {
        if (i == value.length || value[i] == '\n') {
          int end = i > start && value[i - 1] == '\r' ? i - 1 : i;
          if (end > start || i < value.length) {
            lines.add(Arrays.copyOfRange(value, start, end));
          }
          start = i + 1;
        }
      }
      return lines;
    }
  }
}
