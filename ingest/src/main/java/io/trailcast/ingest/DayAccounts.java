package io.trailcast.ingest;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * What became of an ingest's lines per day and source, for the data-quality figures
 * ({@code ingest_days}, {@code bin/trailcast quality}): written, duplicates, suppressed,
 * quarantined per kind of reason, bot events per rule, and late arrivals among the written. A quarantined line
 * has the day of the
 * lines around it in its file ({@link InputFileRows}); blank lines have none and stay in the per-source
 * accounts ({@link LineAccounts}) only. Counted in the writing action, so each task once.
 */
public final class DayAccounts extends AccumulatorV2<DayAccounts.Key, Map<DayAccounts.Key, Long>> {
  private static final long serialVersionUID = 1L;
  /** Reasons are cut to this many characters: a kind, not the line's own text. */
  static final int REASON_KIND_CHARS = 60;
  public static final String WRITTEN = "written";
  public static final String DUPLICATES = "duplicates";
  public static final String SUPPRESSED = "suppressed";
  /** Written events of a day an aggregate run had already seen, and not stored before: late arrivals. */
  public static final String LATE = "late";
  public static final String QUARANTINED = "quarantined:";
  public static final String BOT = "bot:";

  /** One count's key; {@code day} null for a line no neighbour gave a day. */
  public record Key(LocalDate day, String source, String kind) implements Serializable {
  }

  private final HashMap<Key, Long> counts = new HashMap<>();

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public DayAccounts copy() {
    DayAccounts copy = new DayAccounts();
    copy.counts.putAll(counts);
    return copy;
  }

  @Override
  public void reset() {
    counts.clear();
  }

  @Override
  public void add(Key key) {
    counts.merge(key, 1L, Long::sum);
  }

  /** Adds a task's counts at once. */
  public void addAll(Map<Key, Long> local) {
    local.forEach((key, n) -> counts.merge(key, n, Long::sum));
  }

  @Override
  public void merge(AccumulatorV2<Key, Map<Key, Long>> other) {
    addAll(other.value());
  }

  @Override
  public Map<Key, Long> value() {
    return counts;
  }

  /**
   * The kind of a quarantine reason: its text up to the first quoted value, bracket, parenthesis or
   * number (where the line's own content starts), at most {@link #REASON_KIND_CHARS} characters.
   * "bad status '9x9'" and "bad status '0'" are both "bad status".
   */
  public static String reasonKind(String reason) {
    int end = reason.length();
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      boolean number = Character.isDigit(c) && (i == 0 || reason.charAt(i - 1) == ' ');
      if (c == '\'' || c == '[' || c == '(' || number) {
        end = i;
        break;
      }
    }
    String kind = reason.substring(0, Math.min(end, REASON_KIND_CHARS)).strip();
    while (!kind.isEmpty() && ":,;-".indexOf(kind.charAt(kind.length() - 1)) >= 0) {
      kind = kind.substring(0, kind.length() - 1).strip();
    }
    return kind.isEmpty() ? "other" : kind;
  }

  /** Per (day, source): each kind's count, in day and source order (a null day first). */
  public static Map<Key, Map<String, Long>> byDayAndSource(Map<Key, Long> counts) {
    Map<Key, Map<String, Long>> rows = new TreeMap<>(java.util.Comparator
        .comparing(Key::day, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
        .thenComparing(Key::source));
    counts.forEach((key, n) -> rows.computeIfAbsent(new Key(key.day(), key.source(), ""), k -> new TreeMap<>())
        .merge(key.kind(), n, Long::sum));
    return rows;
  }
}
