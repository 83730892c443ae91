package io.trailcast.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * Exact accounting, per source (a file, a Kafka partition): the lines the reader saw, counted as it
 * read them, against what became of each line in the sink. For every source
 * {@code lines = blank + written + duplicates + quarantined + filtered + suppressed}; a run whose
 * figures do not add up fails and says by how much ({@link #unbalanced}). The reader's count
 * travels to the sink in a summary row ({@link IngestRows#lineCount}), so both sides are counted in
 * the writing action, each task once.
 */
public final class LineAccounts extends AccumulatorV2<LineAccounts.Count, Map<String, long[]>> {
  private static final long serialVersionUID = 1L;

  /** What a line can become; {@link #LINES} is the reader's count of them. */
  public enum Outcome { LINES, BLANK, WRITTEN, DUPLICATE, QUARANTINED, FILTERED, SUPPRESSED }

  public record Count(String source, Outcome outcome, long n) implements Serializable {
  }

  private final HashMap<String, long[]> counts = new HashMap<>();

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public LineAccounts copy() {
    LineAccounts copy = new LineAccounts();
    copy.merge(this);
    return copy;
  }

  @Override
  public void reset() {
    counts.clear();
  }

  @Override
  public void add(Count count) {
    counts.computeIfAbsent(count.source(), s -> new long[Outcome.values().length])[count.outcome().ordinal()] +=
        count.n();
  }

  /** Adds a task's per-source counts (one call per source and outcome, not per line). */
  public void addAll(Map<String, long[]> local) {
    local.forEach((source, n) -> {
      for (Outcome outcome : Outcome.values()) {
        if (n[outcome.ordinal()] != 0) {
          add(new Count(source, outcome, n[outcome.ordinal()]));
        }
      }
    });
  }

  @Override
  public void merge(AccumulatorV2<Count, Map<String, long[]>> other) {
    other.value().forEach((source, n) -> {
      long[] mine = counts.computeIfAbsent(source, s -> new long[Outcome.values().length]);
      for (int i = 0; i < n.length; i++) {
        mine[i] += n[i];
      }
    });
  }

  @Override
  public Map<String, long[]> value() {
    return counts;
  }

  /** The sum over every source. */
  public static long[] total(Map<String, long[]> counts) {
    long[] sum = new long[Outcome.values().length];
    counts.values().forEach(n -> {
      for (int i = 0; i < n.length; i++) {
        sum[i] += n[i];
      }
    });
    return sum;
  }

  /** Lines a source's outcomes do not account for (negative: more outcomes than lines read). */
  public static long unaccounted(long[] n) {
    long accounted = 0;
    for (Outcome outcome : Outcome.values()) {
      if (outcome != Outcome.LINES) {
        accounted += n[outcome.ordinal()];
      }
    }
    return n[Outcome.LINES.ordinal()] - accounted;
  }

  /** One line per source whose figures do not add up; empty when every line is accounted for. */
  public static List<String> unbalanced(Map<String, long[]> counts) {
    List<String> problems = new ArrayList<>();
    new TreeMap<>(counts).forEach((source, n) -> {
      long missing = unaccounted(n);
      if (missing != 0) {
        problems.add(describe(source, n) + ": " + Math.abs(missing) + (missing > 0 ? " unaccounted" : " too many"));
      }
    });
    return problems;
  }

  /** A source's figures, for a person to read. */
  public static String describe(String source, long[] n) {
    return String.format(Locale.ROOT, "%s: %,d lines read, %,d blank, %,d written, %,d duplicates, %,d quarantined, "
        + "%,d outside the window, %,d suppressed", source, n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
  }
}
