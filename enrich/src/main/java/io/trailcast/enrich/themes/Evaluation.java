package io.trailcast.enrich.themes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accuracy, macro-F1 (the mean over the labelled themes of each theme's F1) and the confusion
 * table of predicted against labelled themes.
 */
public record Evaluation(long n, double accuracy, double macroF1, Map<String, Map<String, Long>> confusion) {

  public static Evaluation of(List<String> labels, List<String> predictions) {
    if (labels.size() != predictions.size() || labels.isEmpty()) {
      throw new IllegalArgumentException("labels and predictions must be non-empty and of one size");
    }
    Map<String, Map<String, Long>> confusion = new TreeMap<>();
    long correct = 0;
    for (int i = 0; i < labels.size(); i++) {
      confusion.computeIfAbsent(labels.get(i), k -> new TreeMap<>()).merge(predictions.get(i), 1L, Long::sum);
      correct += labels.get(i).equals(predictions.get(i)) ? 1 : 0;
    }
    double f1Sum = 0;
    TreeSet<String> classes = new TreeSet<>(labels);
    for (String theme : classes) {
      long truePositive = confusion.get(theme).getOrDefault(theme, 0L);
      long labelled = confusion.get(theme).values().stream().mapToLong(Long::longValue).sum();
      long predicted = 0;
      for (Map<String, Long> row : confusion.values()) {
        predicted += row.getOrDefault(theme, 0L);
      }
      double precision = predicted == 0 ? 0 : (double) truePositive / predicted;
      double recall = (double) truePositive / labelled;
      f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
    return new Evaluation(labels.size(), (double) correct / labels.size(), f1Sum / classes.size(), confusion);
  }

  /** The model's and the keyword baseline's evaluations of labelled URLs. */
  public record Comparison(Evaluation model, Evaluation baseline) {
  }

  /** Themes {@code labelled} rows ({url, theme, title or empty}) with the model and with the keyword baseline. */
  public static Comparison compare(ThemeAssigner assigner, List<String[]> labelled) {
    List<String> truth = new ArrayList<>();
    List<String> byModel = new ArrayList<>();
    List<String> byKeywords = new ArrayList<>();
    for (String[] row : labelled) {
      String title = row.length > 2 && !row[2].isEmpty() ? row[2] : null;
      truth.add(row[1]);
      byModel.add(assigner.assign(row[0], title).theme());
      byKeywords.add(assigner.keywordTheme(row[0], title));
    }
    return new Comparison(of(truth, byModel), of(truth, byKeywords));
  }

  /** Columns of the confusion table: every predicted theme, sorted. */
  public List<String> predictedThemes() {
    TreeSet<String> themes = new TreeSet<>();
    confusion.values().forEach(row -> themes.addAll(row.keySet()));
    return new ArrayList<>(themes);
  }
}
