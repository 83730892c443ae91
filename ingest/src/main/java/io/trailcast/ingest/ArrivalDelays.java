package io.trailcast.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.spark.util.AccumulatorV2;

/**
 * How long events took to arrive, per day and source: the seconds from each written event's time to
 * the ingest task that read it, in an Apache DataSketches KLL sketch (mergeable quantiles, about 1 %
 * rank error, a few kilobytes), kept as bytes so that tasks, runs and sources merge exactly as sketches
 * do. Stored in {@code ingest_days.arrival_delay}; {@code quality} shows the day's percentiles.
 */
public final class ArrivalDelays
    extends AccumulatorV2<Map<DayAccounts.Key, byte[]>, Map<DayAccounts.Key, byte[]>> {
  private static final long serialVersionUID = 1L;
  /** The percentiles {@code quality} shows. */
  public static final double[] RANKS = {0.5, 0.9, 0.99};

  private final HashMap<DayAccounts.Key, byte[]> sketches = new HashMap<>();

  @Override
  public boolean isZero() {
    return sketches.isEmpty();
  }

  @Override
  public ArrivalDelays copy() {
    ArrivalDelays copy = new ArrivalDelays();
    copy.sketches.putAll(sketches);
    return copy;
  }

  @Override
  public void reset() {
    sketches.clear();
  }

  /** Adds a task's sketches, one per (day, source). */
  @Override
  public void add(Map<DayAccounts.Key, byte[]> local) {
    local.forEach((key, sketch) -> sketches.merge(key, sketch, (a, b) -> merged(List.of(a, b)).toByteArray()));
  }

  @Override
  public void merge(AccumulatorV2<Map<DayAccounts.Key, byte[]>, Map<DayAccounts.Key, byte[]>> other) {
    add(other.value());
  }

  @Override
  public Map<DayAccounts.Key, byte[]> value() {
    return sketches;
  }

  /** A new, empty sketch of delays. */
  public static KllDoublesSketch sketch() {
    return KllDoublesSketch.newHeapInstance();
  }

  /** The seconds from an event's time to its arrival; an event stamped ahead of the clock arrived at once. */
  public static double seconds(long eventMillis, long arrivedMillis) {
    return Math.max(0, arrivedMillis - eventMillis) / 1000.0;
  }

  /** A stored sketch's bytes, from its blob cell (the buffer itself is left as it was). */
  public static byte[] bytes(java.nio.ByteBuffer blob) {
    byte[] bytes = new byte[blob.remaining()];
    blob.duplicate().get(bytes);
    return bytes;
  }

  /** Stored sketches merged into one. */
  public static KllDoublesSketch merged(List<byte[]> stored) {
    KllDoublesSketch all = sketch();
    for (byte[] bytes : stored) {
      all.merge(KllDoublesSketch.heapify(Memory.wrap(bytes)));
    }
    return all;
  }

  /** The {@link #RANKS} percentiles and the maximum of stored sketches, in seconds; null when empty. */
  public static double[] percentiles(List<byte[]> stored) {
    KllDoublesSketch all = merged(stored);
    if (all.isEmpty()) {
      return null;
    }
    double[] out = new double[RANKS.length + 1];
    for (int i = 0; i < RANKS.length; i++) {
      out[i] = all.getQuantile(RANKS[i]);
    }
    out[RANKS.length] = all.getMaxValue();
    return out;
  }
}
