package io.trailcast.simulator;

/**
 * ROC AUC of probabilities against outcomes in constant memory: probabilities are binned finely
 * (ties inside a bin count half, as in the Mann-Whitney statistic).
 */
public final class AucHistogram {
  private static final int BINS = 100_000;
  private final long[] positives = new long[BINS];
  private final long[] negatives = new long[BINS];
  private long totalPositives;
  private long totalNegatives;

  public void add(double probability, boolean outcome) {
    int bin = (int) Math.min(BINS - 1, Math.max(0, Math.floor(probability * BINS)));
    if (outcome) {
      positives[bin]++;
      totalPositives++;
    } else {
      negatives[bin]++;
      totalNegatives++;
    }
  }

  public long positives() {
    return totalPositives;
  }

  public long negatives() {
    return totalNegatives;
  }

  /** The AUC, or NaN when either class is empty. */
  public double auc() {
    if (totalPositives == 0 || totalNegatives == 0) {
      return Double.NaN;
    }
    double concordant = 0;
    long negativesBelow = 0;
    for (int bin = 0; bin < BINS; bin++) {
      concordant += positives[bin] * (negativesBelow + negatives[bin] / 2.0);
      negativesBelow += negatives[bin];
    }
    return concordant / ((double) totalPositives * totalNegatives);
  }
}
