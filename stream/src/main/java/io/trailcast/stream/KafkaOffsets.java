package io.trailcast.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka offsets a micro-batch was planned to read but never saw: with {@code --allow-data-loss},
 * offsets gone from the topic (retention, a recreated topic) are skipped by Spark with a warning;
 * here they are counted and named, for {@code stream_status}. The parser reports what each task
 * saw ({@link Seen}); the batch's planned range comes from its progress (start and end offsets).
 * A topic written by transactional producers has offsets without records (their markers), which
 * would count as lost: the collector's producer is idempotent, not transactional.
 */
final class KafkaOffsets {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The offsets one task read of one partition: lowest, highest, how many. */
  record Seen(String partition, long min, long max, long count) implements Serializable {
    private static final long serialVersionUID = 1L;

    Seen plus(Seen other) {
      return new Seen(partition, Math.min(min, other.min), Math.max(max, other.max), count + other.count);
    }
  }

  /** Offsets lost in one batch, and where. */
  record Loss(long offsets, String where) {
  }

  /** What the writer saw per micro-batch, until its progress is recorded. */
  static final class Tracker {
    private final Map<Long, List<Seen>> byBatch = new ConcurrentHashMap<>();

    void saw(long batchId, List<Seen> seen) {
      byBatch.put(batchId, List.copyOf(seen));
      // A progress never recorded (a failed batch) must not pile up.
      byBatch.keySet().removeIf(id -> id < batchId - 100);
    }

    List<Seen> take(long batchId) {
      List<Seen> seen = byBatch.remove(batchId);
      return seen == null ? List.of() : seen;
    }
  }

  private KafkaOffsets() {
  }

  /** {@code {"topic":{"0":5,"1":7}}} (a progress's start or end offsets) as {@code topic/0 → 5}. */
  static Map<String, Long> parse(String json) {
    Map<String, Long> offsets = new TreeMap<>();
    if (json == null || json.isBlank() || json.equals("null")) {
      return offsets;
    }
    try {
      JsonNode root = JSON.readTree(json);
      root.fields().forEachRemaining(topic -> topic.getValue().fields().forEachRemaining(
          partition -> offsets.put(topic.getKey() + "/" + partition.getKey(), partition.getValue().asLong())));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable Kafka offsets " + json, e);
    }
    return offsets;
  }

  /**
   * The offsets of {@code start..end} (per partition, end exclusive) that no task saw: before the
   * first one seen (retention deletes the oldest), between those seen, after the last.
   */
  static Loss lost(Map<String, Long> start, Map<String, Long> end, List<Seen> seen) {
    Map<String, Seen> merged = new TreeMap<>();
    for (Seen s : seen) {
      merged.merge(s.partition(), s, Seen::plus);
    }
    long total = 0;
    List<String> where = new ArrayList<>();
    for (Map.Entry<String, Long> e : new TreeMap<>(end).entrySet()) {
      long from = start.getOrDefault(e.getKey(), e.getValue());
      long until = e.getValue();
      Seen s = merged.get(e.getKey());
      long missing = (until - from) - (s == null ? 0 : s.count());
      if (missing <= 0) {
        continue;
      }
      total += missing;
      if (s == null) {
        where.add(e.getKey() + " offsets " + from + ".." + (until - 1));
      } else {
        List<String> parts = new ArrayList<>();
        if (s.min() > from) {
          parts.add(from + ".." + (s.min() - 1));
        }
        long inside = (s.max() - s.min() + 1) - s.count();
        if (inside > 0) {
          parts.add(inside + " between " + s.min() + " and " + s.max());
        }
        if (s.max() < until - 1) {
          parts.add((s.max() + 1) + ".." + (until - 1));
        }
        where.add(e.getKey() + " offsets " + String.join(", ", parts));
      }
    }
    return new Loss(total, String.join("; ", where));
  }
}
