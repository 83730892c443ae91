package io.trailcast.models;

import java.util.Arrays;
import java.util.Comparator;

/**
 * ROC and PR AUC of scores against 0/1 labels, exact, on the driver: for the small per-k sets of the
 * accuracy-after-k table (a Spark evaluator per k would be two jobs each). PR AUC as MLlib's
 * {@code BinaryClassificationMetrics} computes it without binning: the trapezoids between the (recall,
 * precision) points of each distinct score, from (0, the first point's precision).
 */
public final class RankMetrics {
  private RankMetrics() {
  }

  /** The area under the ROC curve: the chance a random positive outranks a random negative, ties half. */
  public static double rocAuc(double[] scores, double[] labels) {
    return areas(scores, labels)[0];
  }

  /** The area under the precision-recall curve. */
  public static double prAuc(double[] scores, double[] labels) {
    return areas(scores, labels)[1];
  }

  /** {ROC AUC, PR AUC}; NaN for both when one class is absent. */
  static double[] areas(double[] scores, double[] labels) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    double positives = 0;
    for (double label : labels) {
      positives += label > 0.5 ? 1 : 0;
    }
    double negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double tp = 0;
    double fp = 0;
    double roc = 0;
    double pr = 0;
    double lastRecall = 0;
    double lastPrecision = Double.NaN;
    for (int k = 0; k < n;) {
      // One point per distinct score: ties move together.
      double tiedTp = 0;
      double tiedFp = 0;
      int j = k;
      while (j < n && scores[order[j]] == scores[order[k]]) {
        if (labels[order[j]] > 0.5) {
          tiedTp++;
        } else {
          tiedFp++;
        }
        j++;
      }
      roc += tiedFp * (tp + tiedTp / 2);
      tp += tiedTp;
      fp += tiedFp;
      double recall = tp / positives;
      double precision = tp / (tp + fp);
      if (Double.isNaN(lastPrecision)) {
        lastPrecision = precision;
      }
      pr += (recall - lastRecall) * (precision + lastPrecision) / 2;
      lastRecall = recall;
      lastPrecision = precision;
      k = j;
    }
    return new double[] {roc / (positives * negatives), pr};
  }
}
