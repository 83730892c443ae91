package io.trailcast.aggregate.experiments;

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
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Landing-page experiments as analysts define them (docs/experiments.md): a YAML file of experiments, each the
 * landing pages it applies to, its variants (an id and the URL a visitor is sent to), the reward of a session that
 * lands on a variant, the policy that weighs the variants, a minimum share per variant and a minimum of sessions
 * per variant before the weights move off an even split. Checked on load, with one line naming what is wrong.
 */
public final class ExperimentDefinitions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The file as written. */
  public static final class Document {
    public List<Entry> experiments;
  }

  /** One experiment as written; every key but name and variants is optional. */
  public static final class Entry {
    public String name;
    public String landing;
    public List<VariantEntry> variants;
    public String reward;
    public String policy;
    public Double epsilon;
    @JsonProperty("min_share")
    public Double minShare;
    @JsonProperty("min_sessions")
    public Long minSessions;
  }

  /** A variant as written. */
  public static final class VariantEntry {
    public String id;
    public String url;
  }

  /** What a session that lands on a variant earns (docs/definitions.md: bounce, engaged, conversion). */
  public enum Reward {
    NOT_BOUNCED, ENGAGED, CONVERTED;

    static Reward of(String text, String origin) {
      try {
        return text == null ? NOT_BOUNCED : valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new UserException(origin + ": unknown reward '" + text + "': use not_bounced, engaged or converted");
      }
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the variants are weighed. */
  public enum Policy {
    THOMPSON, EPSILON_GREEDY, UNIFORM;

    static Policy of(String text, String origin) {
      try {
        return text == null ? THOMPSON : valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new UserException(origin + ": unknown policy '" + text + "': use thompson, epsilon-greedy or uniform");
      }
    }

    /** A policy as a flag gives it; an unknown one is a one-line error. */
    public static Policy parse(String text) {
      return of(text, "--policy");
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** A variant: its id and the URL (path and query, no host) a visitor sent to it lands on. */
  public record Variant(String id, String url) implements Serializable {
  }

  /**
   * A checked experiment.
   *
   * @param landing what the landing pages it applies to match (a regex on the path and query, no host)
   * @param epsilon the share spread evenly by epsilon-greedy
   * @param minShare the least share any variant keeps, so that a variant judged worse early can recover
   * @param minSessions sessions every variant needs before the weights move off an even split
   */
  public record Experiment(String name, Pattern landing, List<Variant> variants, Reward reward, Policy policy,
      double epsilon, double minShare, long minSessions) implements Serializable {
    /** The variant whose URL {@code pathAndQuery} is, or null. */
    public Variant variantOf(String pathAndQuery) {
      for (Variant v : variants) {
        if (v.url().equals(pathAndQuery)) {
          return v;
        }
      }
      return null;
    }
  }

  private static final ExperimentDefinitions NONE = new ExperimentDefinitions(List.of());

  private final List<Experiment> experiments;

  private ExperimentDefinitions(List<Experiment> experiments) {
    this.experiments = experiments;
  }

  private ExperimentDefinitions(Document d, String origin) {
    if (d == null || d.experiments == null || d.experiments.isEmpty()) {
      throw new UserException(origin + ": no experiments");
    }
    List<Experiment> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Entry e : d.experiments) {
      if (e.name == null || e.name.isBlank() || !e.name.trim().matches("[A-Za-z0-9_.-]+")) {
        throw new UserException(origin + ": an experiment needs a name of letters, digits, '.', '_' or '-'"
            + (e.name == null ? "" : ", not '" + e.name + "'"));
      }
      String name = e.name.trim();
      if (!names.add(name)) {
        throw new UserException(origin + ": experiment " + name + " is defined twice");
      }
      if (e.variants == null || e.variants.size() < 2) {
        throw new UserException(origin + ": experiment " + name + " needs two variants or more");
      }
      List<Variant> variants = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      Set<String> urls = new HashSet<>();
      for (VariantEntry v : e.variants) {
        if (v == null || v.id == null || v.id.isBlank() || v.url == null || !v.url.startsWith("/")) {
          throw new UserException(origin + ": experiment " + name + ": each variant needs an id and a url starting "
              + "with / (path and query, no host)");
        }
        if (!ids.add(v.id.trim()) || !urls.add(v.url.trim())) {
          throw new UserException(origin + ": experiment " + name + ": variant " + v.id.trim() + " repeats an id or "
              + "a url");
        }
        variants.add(new Variant(v.id.trim(), v.url.trim()));
      }
      Pattern landing;
      try {
        landing = Pattern.compile(e.landing == null ? variantsPattern(variants) : e.landing);
      } catch (PatternSyntaxException x) {
        throw new UserException(origin + ": experiment " + name + ": bad landing regex: " + x.getDescription(), x);
      }
      double epsilon = e.epsilon == null ? 0.1 : e.epsilon;
      double minShare = e.minShare == null ? 0.05 : e.minShare;
      long minSessions = e.minSessions == null ? 100 : e.minSessions;
      if (epsilon < 0 || epsilon > 1) {
        throw new UserException(origin + ": experiment " + name + ": epsilon must be within 0..1, not " + epsilon);
      }
      if (minShare < 0 || minShare * variants.size() > 1) {
        throw new UserException(origin + ": experiment " + name + ": min_share " + minShare + " for "
            + variants.size() + " variants leaves nothing to weigh (at most " + (1.0 / variants.size()) + ")");
      }
      if (minSessions < 0) {
        throw new UserException(origin + ": experiment " + name + ": min_sessions must be 0 or more");
      }
      out.add(new Experiment(name, landing, List.copyOf(variants), Reward.of(e.reward, origin + ": experiment "
          + name), Policy.of(e.policy, origin + ": experiment " + name), epsilon, minShare, minSessions));
    }
    this.experiments = List.copyOf(out);
  }

  /** Without a landing regex, an experiment applies to sessions landing on one of its variants' URLs. */
  private static String variantsPattern(List<Variant> variants) {
    List<String> quoted = new ArrayList<>();
    variants.forEach(v -> quoted.add(Pattern.quote(v.url())));
    return String.join("|", quoted);
  }

  /** An analyst's file. */
  public static ExperimentDefinitions load(Path file) {
    return new ExperimentDefinitions(YamlFiles.read(file, Document.class, "experiment definitions"),
        file.toString());
  }

  /** No experiment: a site whose config names no experiments file. */
  public static ExperimentDefinitions none() {
    return NONE;
  }

  /** The experiments of a site: its config's {@code experiments} file, or none. */
  public static ExperimentDefinitions of(io.trailcast.ingest.SiteConfig site) {
    return site.experimentsFile() == null ? NONE : load(Path.of(site.experimentsFile()));
  }

  /** The shipped example (docs/experiments.md): the simulated site's home page in three designs. */
  public static ExperimentDefinitions defaults() {
    return new ExperimentDefinitions(YamlFiles.resource(ExperimentDefinitions.class, "default-experiments.yaml",
        Document.class), "default-experiments.yaml");
  }

  public List<Experiment> experiments() {
    return experiments;
  }

  public boolean isEmpty() {
    return experiments.isEmpty();
  }

  /** The experiment called {@code name}, or null. */
  public Experiment find(String name) {
    return experiments.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
  }

  /** The experiment called {@code name}, or a one-line error listing the names. */
  public Experiment named(String name) {
    Experiment found = find(name);
    if (found == null) {
      throw new UserException("no experiment '" + name + "' (" + (experiments.isEmpty()
          ? "the site config names no experiments file: its key 'experiments'" : "experiments: "
          + String.join(", ", experiments.stream().map(Experiment::name).toList())) + ")");
    }
    return found;
  }
}
