package io.trailcast.enrich.themes;

import io.trailcast.enrich.tokens.UrlTokenizer;
import io.trailcast.enrich.tokens.WordSegmenter;
import io.trailcast.enrich.vectors.WordVectors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A URL's theme (DESIGN.md "Theme"): the first analyst rule that matches, else the theme whose
 * seed centroid is most similar (cosine) to the URL's vector, the mean of its token vectors
 * weighted so that rare words count more ({@link WordVectors#weight}); {@code unknown} below the
 * threshold. Pure and serializable: Spark ships one per executor (a broadcast), never per row.
 */
public final class ThemeAssigner implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String UNKNOWN = "unknown";

  /** What url_themes stores for a URL. */
  public record Assignment(String url, String theme, double score, String runnerUp, Double runnerUpScore,
      String source, String modelVersion) implements Serializable {
  }

  /** Why a URL got its theme: its tokens and weights, every theme's similarity, the rule that fired. */
  public record Explanation(Assignment assignment, List<String> tokens, List<Double> weights, List<String> themes,
      List<Double> similarities, String rule) {
  }

  private final ThemeDefinitions definitions;
  private final WordVectors vectors;
  private final String modelVersion;
  private final UrlTokenizer tokenizer;
  private final float[][] centroids;

  public ThemeAssigner(ThemeDefinitions definitions, WordVectors vectors, String vectorsVersion,
      UrlTokenizer tokenizer) {
    this.definitions = definitions;
    this.vectors = vectors;
    this.modelVersion = vectorsVersion + "/" + definitions.version();
    this.tokenizer = tokenizer.withSegmenter(new WordSegmenter(vectors.vocabulary()));
    this.centroids = new float[definitions.themes().size()][];
    for (int t = 0; t < centroids.length; t++) {
      List<float[]> seeds = new ArrayList<>();
      for (String seed : definitions.themes().get(t).seeds()) {
        float[] v = vectors.vector(seed);
        if (v != null) {
          seeds.add(v);
        }
      }
      centroids[t] = seeds.isEmpty() ? null : unit(mean(seeds, null));
    }
  }

  /** The model version assignments record: the vectors' version and the definitions' hash. */
  public String modelVersion() {
    return modelVersion;
  }

  /** Themes none of whose seeds is in the vocabulary: the model can never give them. */
  public List<String> themesWithoutSeeds() {
    List<String> names = new ArrayList<>();
    for (int t = 0; t < centroids.length; t++) {
      if (centroids[t] == null) {
        names.add(definitions.themes().get(t).name());
      }
    }
    return names;
  }

  public Assignment assign(String url) {
    return explain(url, null).assignment();
  }

  public Assignment assign(String url, String title) {
    return explain(url, title).assignment();
  }

  public Explanation explain(String url, String title) {
    String bare = url.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
    int slash = bare.indexOf('/');
    String host = (slash >= 0 ? bare.substring(0, slash) : bare).toLowerCase(Locale.ROOT);
    String pathAndQuery = slash >= 0 ? bare.substring(slash) : "/";
    for (ThemeDefinitions.Rule rule : definitions.rules()) {
      if (rule.matches(host, pathAndQuery, bare)) {
        Assignment byRule = new Assignment(url, rule.theme(), 1.0, null, null, "rule", modelVersion);
        return new Explanation(byRule, List.of(), List.of(), List.of(), List.of(), rule.describe());
      }
    }
    List<String> tokens = tokenizer.tokens(url, title);
    List<Double> weights = new ArrayList<>();
    List<float[]> known = new ArrayList<>();
    List<Double> knownWeights = new ArrayList<>();
    for (String token : tokens) {
      double weight = vectors.weight(token);
      weights.add(weight);
      if (weight > 0) {
        known.add(vectors.vector(token));
        knownWeights.add(weight);
      }
    }
    List<String> names = new ArrayList<>();
    List<Double> similarities = new ArrayList<>();
    String best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    String second = null;
    double secondScore = Double.NEGATIVE_INFINITY;
    float[] urlVector = known.isEmpty() ? null : unit(mean(known, knownWeights));
    for (int t = 0; t < centroids.length; t++) {
      if (urlVector == null || centroids[t] == null) {
        continue;
      }
      double similarity = dot(urlVector, centroids[t]);
      String name = definitions.themes().get(t).name();
      names.add(name);
      similarities.add(similarity);
      if (similarity > bestScore) {
        second = best;
        secondScore = bestScore;
        best = name;
        bestScore = similarity;
      } else if (similarity > secondScore) {
        second = name;
        secondScore = similarity;
      }
    }
    Assignment assignment;
    if (best == null) {
      assignment = new Assignment(url, UNKNOWN, 0.0, null, null, "model", modelVersion);
    } else if (bestScore < definitions.threshold()) {
      // Below the threshold: unknown, and the best candidate kept as the runner-up.
      assignment = new Assignment(url, UNKNOWN, bestScore, best, bestScore, "model", modelVersion);
    } else {
      assignment = new Assignment(url, best, bestScore, second, second == null ? null : secondScore, "model",
          modelVersion);
    }
    return new Explanation(assignment, tokens, weights, names, similarities, null);
  }

  /** The keyword baseline: the theme with most seed words literally among the URL's tokens. */
  public String keywordTheme(String url, String title) {
    List<String> tokens = tokenizer.tokens(url, title);
    String best = UNKNOWN;
    long bestHits = 0;
    for (ThemeDefinitions.Theme theme : definitions.themes()) {
      long hits = tokens.stream().filter(theme.seeds()::contains).count();
      if (hits > bestHits) {
        best = theme.name();
        bestHits = hits;
      }
    }
    return best;
  }

  public ThemeDefinitions definitions() {
    return definitions;
  }

  private static float[] mean(List<float[]> rows, List<Double> weights) {
    float[] sum = new float[rows.get(0).length];
    for (int i = 0; i < rows.size(); i++) {
      double w = weights == null ? 1 : weights.get(i);
      float[] row = rows.get(i);
      for (int d = 0; d < sum.length; d++) {
        sum[d] += (float) (w * row[d]);
      }
    }
    return sum;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) (v[d] / norm);
      }
    }
    return v;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int d = 0; d < a.length; d++) {
      sum += a[d] * b[d];
    }
    return sum;
  }
}
