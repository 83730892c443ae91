package io.trailcast.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What a model's held-out scores look like, for the report's model panel: the ROC curve, the lift of
 * each score decile and the calibration table. Stored with the model as JSON ({@code models.curves}).
 *
 * @param roc points (false positive rate, true positive rate) from (0, 0) to (1, 1), at most
 *     {@link #ROC_POINTS} + 2 of them
 * @param lift per decile of score, highest first: the decile's conversion rate over the overall rate
 * @param calibration per bin of score (0–0.1, ..., 0.9–1) that holds rows: bin start, rows, mean
 *     score, observed conversion rate
 * @param afterActions the score as it stood after the 1st, 2nd, ... interactive event of each held-out
 *     session ({@link AfterActions}): actions, sessions, converted, ROC AUC, PR AUC; empty for a feature
 *     table, null for a model recorded before it was
 */
public record ModelCurves(List<double[]> roc, List<Double> lift, List<double[]> calibration,
    List<double[]> afterActions) {
  static final int ROC_POINTS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The curves of {@code scores} against {@code labels} (1 converted, 0 not); both the same length. */
  public static ModelCurves of(double[] scores, double[] labels) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    double positives = Arrays.stream(labels).sum();
    double negatives = n - positives;
    return new ModelCurves(roc(scores, labels, order, positives, negatives), lift(labels, order, positives),
        calibration(scores, labels), List.of());
  }

  /** These curves with the accuracy-after-actions table (a k whose sessions are all of one class has no AUC). */
  public ModelCurves withAfterActions(List<AfterActions> rows) {
    return new ModelCurves(roc, lift, calibration, rows.stream().filter(r -> !Double.isNaN(r.rocAuc()))
        .map(r -> new double[] {r.actions(), r.sessions(), r.converted(), r.rocAuc(), r.prAuc()}).toList());
  }

  /** Points where the score changes (ties move together), thinned to about one per 1/100 of the rows. */
  private static List<double[]> roc(double[] scores, double[] labels, Integer[] order, double positives,
      double negatives) {
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    double tp = 0;
    double fp = 0;
    int step = Math.max(1, order.length / ROC_POINTS);
    int sinceLast = 0;
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      if (labels[i] > 0.5) {
        tp++;
      } else {
        fp++;
      }
      sinceLast++;
      boolean tieEnds = k + 1 == order.length || scores[order[k + 1]] != scores[i];
      if (tieEnds && (sinceLast >= step || k + 1 == order.length)) {
        points.add(new double[] {negatives == 0 ? 0 : fp / negatives, positives == 0 ? 0 : tp / positives});
        sinceLast = 0;
      }
    }
    if (order.length == 0) {
      points.add(new double[] {1, 1});
    }
    return points;
  }

  /** Rows ranked by score cut in ten near-equal groups; each group's rate over the overall rate. */
  private static List<Double> lift(double[] labels, Integer[] order, double positives) {
    List<Double> lift = new ArrayList<>();
    int n = order.length;
    if (n == 0 || positives == 0) {
      return lift;
    }
    double overall = positives / n;
    for (int d = 0; d < 10; d++) {
      int from = (int) ((long) n * d / 10);
      int to = (int) ((long) n * (d + 1) / 10);
      if (to == from) {
        continue;
      }
      double converted = 0;
      for (int k = from; k < to; k++) {
        converted += labels[order[k]];
      }
      lift.add(converted / (to - from) / overall);
    }
    return lift;
  }

  private static List<double[]> calibration(double[] scores, double[] labels) {
    double[] count = new double[10];
    double[] scoreSum = new double[10];
    double[] labelSum = new double[10];
    for (int i = 0; i < scores.length; i++) {
      int bin = Math.min(9, Math.max(0, (int) Math.floor(scores[i] * 10)));
      count[bin]++;
      scoreSum[bin] += scores[i];
      labelSum[bin] += labels[i];
    }
    List<double[]> table = new ArrayList<>();
    for (int bin = 0; bin < 10; bin++) {
      if (count[bin] > 0) {
        table.add(new double[] {bin / 10.0, count[bin], scoreSum[bin] / count[bin], labelSum[bin] / count[bin]});
      }
    }
    return table;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The curves stored with a model, or null for a model recorded before they were. */
  public static ModelCurves fromJson(String json) {
    if (json == null || json.isEmpty()) {
      return null;
    }
    try {
      return JSON.readValue(json, ModelCurves.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable model curves: " + e.getMessage(), e);
    }
  }
}
