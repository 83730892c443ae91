package io.trailcast.segments;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailcast.core.UserException;
import io.trailcast.core.YamlFiles;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sustained-interest segments as analysts define them (DESIGN.md "Sustained interest segment"):
 * a YAML file of segments, each a theme with thresholds, optional CRM filters and a minimum
 * conversion score. Checked on load: unknown themes and keys, numbers out of range, names twice.
 */
public final class SegmentDefinitions implements Serializable {
  /** The file as written. */
  public static final class Document {
    public Entry defaults;
    public List<Entry> segments;
  }

  /** One segment, or the defaults every segment starts from. */
  public static final class Entry {
    public String name;
    public String theme;
    @JsonProperty("min_share")
    public Double minShare;
    @JsonProperty("min_days")
    public Integer minDays;
    @JsonProperty("window_days")
    public Integer windowDays;
    @JsonProperty("half_life_days")
    public Double halfLifeDays;
    public List<String> countries;
    public List<String> plans;
    @JsonProperty("min_conversion_score")
    public Double minConversionScore;
  }

  /**
   * A checked segment: a person belongs when {@code theme} is at least {@code minShare} of their
   * decayed themed pageviews of the last {@code windowDays} days and they read it on at least
   * {@code minDays} of them; empty {@code countries}/{@code plans} filter nothing; a null
   * {@code minConversionScore} requires no score.
   */
  public record Segment(String name, String theme, double minShare, int minDays, int windowDays, double halfLifeDays,
      List<String> countries, List<String> plans, Double minConversionScore) implements Serializable {
  }

  private final List<Segment> segments;

  private SegmentDefinitions(Document d, String origin, Set<String> themes) {
    if (d.segments == null || d.segments.isEmpty()) {
      throw new UserException(origin + ": no segments");
    }
    Entry base = d.defaults == null ? new Entry() : d.defaults;
    List<Segment> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Entry e : d.segments) {
      String theme = e.theme == null ? null : e.theme.trim().toLowerCase(Locale.ROOT);
      if (theme == null || theme.isEmpty()) {
        throw new UserException(origin + ": a segment without a theme" + (e.name == null ? "" : " (" + e.name + ")"));
      }
      if (!themes.contains(theme)) {
        throw new UserException(origin + ": segment " + (e.name == null ? "theme:" + theme : e.name)
            + " names the unknown theme '" + theme + "' (themes: " + String.join(", ", themes.stream().sorted()
            .toList()) + ")");
      }
      String name = e.name == null ? "theme:" + theme : e.name.trim();
      if (!names.add(name)) {
        throw new UserException(origin + ": segment " + name + " is defined twice");
      }
      double share = pick(e.minShare, base.minShare, 0.30);
      int days = (int) pick(e.minDays == null ? null : e.minDays.doubleValue(),
          base.minDays == null ? null : base.minDays.doubleValue(), 3);
      int window = (int) pick(e.windowDays == null ? null : e.windowDays.doubleValue(),
          base.windowDays == null ? null : base.windowDays.doubleValue(), 28);
      double halfLife = pick(e.halfLifeDays, base.halfLifeDays, 7);
      Double score = e.minConversionScore != null ? e.minConversionScore : base.minConversionScore;
      String where = origin + ": segment " + name;
      if (!(share > 0 && share <= 1)) {
        throw new UserException(where + ": min_share must be in (0, 1], got " + share);
      }
      if (window < 1 || window > 366) {
        throw new UserException(where + ": window_days must be 1..366, got " + window);
      }
      if (days < 1 || days > window) {
        throw new UserException(where + ": min_days must be 1..window_days (" + window + "), got " + days);
      }
      if (!(halfLife > 0)) {
        throw new UserException(where + ": half_life_days must be above 0, got " + halfLife);
      }
      if (score != null && !(score >= 0 && score <= 1)) {
        throw new UserException(where + ": min_conversion_score must be in [0, 1], got " + score);
      }
      out.add(new Segment(name, theme, share, days, window, halfLife, upper(e.countries != null ? e.countries
          : base.countries), trimmed(e.plans != null ? e.plans : base.plans), score));
    }
    segments = List.copyOf(out);
  }

  /** One segment per theme with the design's defaults (30 %, 3 days, 28 days, half-life 7). */
  public static SegmentDefinitions defaults(Set<String> themes) {
    return new SegmentDefinitions(YamlFiles.resource(SegmentDefinitions.class, "default-segments.yaml",
        Document.class), "default-segments.yaml", themes);
  }

  /** An analyst's file; {@code themes} are the theme names that exist. */
  public static SegmentDefinitions load(Path file, Set<String> themes) {
    return new SegmentDefinitions(YamlFiles.read(file, Document.class, "segment definitions"), file.toString(),
        themes);
  }

  public List<Segment> segments() {
    return segments;
  }

  /** The segment called {@code name}, or a one-line error listing the names. */
  public Segment named(String name) {
    return segments.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new UserException(
        "no segment '" + name + "' (segments: " + String.join(", ", segments.stream().map(Segment::name).toList())
            + ")"));
  }

  /** The longest window: how far back the job reads. */
  public int longestWindow() {
    return segments.stream().mapToInt(Segment::windowDays).max().orElse(28);
  }

  private static double pick(Double value, Double fallback, double otherwise) {
    return value != null ? value : fallback != null ? fallback : otherwise;
  }

  private static List<String> upper(List<String> values) {
    return values == null ? List.of() : values.stream().map(v -> v.trim().toUpperCase(Locale.ROOT)).toList();
  }

  private static List<String> trimmed(List<String> values) {
    return values == null ? List.of() : values.stream().map(String::trim).toList();
  }
}
