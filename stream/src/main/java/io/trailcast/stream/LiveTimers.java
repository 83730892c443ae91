package io.trailcast.stream;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Where a micro-batch's time goes on the executors, in microseconds summed over tasks: parsing
 * is in the source, then the event writes, the theme and history lookups, the state function
 * (scoring inside it, also counted apart) and the writes of its output. The driver logs the
 * difference of each between two batches, beside Spark's own durations.
 */
public record LiveTimers(LongAccumulator events, LongAccumulator themes, LongAccumulator history,
    LongAccumulator state, LongAccumulator scoring, LongAccumulator writes) implements Serializable {

  static LiveTimers create(SparkContext spark) {
    return new LiveTimers(spark.longAccumulator("live µs events"), spark.longAccumulator("live µs themes"),
        spark.longAccumulator("live µs history"), spark.longAccumulator("live µs state"),
        spark.longAccumulator("live µs scoring"), spark.longAccumulator("live µs writes"));
  }

  /** The totals so far, in milliseconds, by part. */
  Map<String, Long> millis() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("event_writes", events.value() / 1000);
    out.put("theme_lookups", themes.value() / 1000);
    out.put("history_lookups", history.value() / 1000);
    out.put("state", state.value() / 1000);
    out.put("scoring", scoring.value() / 1000);
    out.put("output_writes", writes.value() / 1000);
    return out;
  }
}
