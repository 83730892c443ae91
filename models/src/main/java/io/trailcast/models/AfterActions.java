package io.trailcast.models;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * How good the score is early in a visit: over the evaluated sessions that reached their k-th interactive
 * event (before any conversion or funnel page), the ROC and PR AUC of the score as it stood then, the score a
 * site acting at that moment would have read. With the simulator's truth, the same sessions' model AUC beside
 * the AUC of the simulator's own probability of the whole visit: a ceiling no score after k actions reaches,
 * since that probability reads the actions still to come.
 *
 * @param actions k
 * @param sessions the evaluated sessions with at least k interactive events
 * @param converted how many of them converted
 * @param matched how many of them the simulator's truth knows (0 without truth)
 * @param matchedRocAuc the score's ROC AUC on those (NaN without truth)
 * @param bayesAuc the ROC AUC of the simulator's probability of the whole visit on those (NaN without truth)
 */
public record AfterActions(int actions, long sessions, long converted, double rocAuc, double prAuc, long matched,
    double matchedRocAuc, double bayesAuc) {
  /** The first actions a site acts on: the table's rows are k = 1..{@value}. */
  public static final int MAX = 10;

  /**
   * The table of scored prefixes: one {@code {actions, label, p, bayes_p}} per (session, k), {@code bayes_p}
   * NaN where the truth does not know the session (or there is no truth).
   */
  public static List<AfterActions> of(List<double[]> prefixes) {
    TreeMap<Integer, List<double[]>> byActions = new TreeMap<>();
    for (double[] p : prefixes) {
      byActions.computeIfAbsent((int) p[0], k -> new ArrayList<>()).add(p);
    }
    List<AfterActions> rows = new ArrayList<>();
    byActions.forEach((k, list) -> {
      double[] scores = new double[list.size()];
      double[] labels = new double[list.size()];
      List<double[]> known = new ArrayList<>();
      long converted = 0;
      for (int i = 0; i < scores.length; i++) {
        labels[i] = list.get(i)[1];
        scores[i] = list.get(i)[2];
        converted += labels[i] > 0.5 ? 1 : 0;
        if (!Double.isNaN(list.get(i)[3])) {
          known.add(list.get(i));
        }
      }
      double[] all = RankMetrics.areas(scores, labels);
      double matchedAuc = Double.NaN;
      double bayes = Double.NaN;
      if (!known.isEmpty()) {
        double[] knownLabels = known.stream().mapToDouble(p -> p[1]).toArray();
        matchedAuc = RankMetrics.rocAuc(known.stream().mapToDouble(p -> p[2]).toArray(), knownLabels);
        bayes = RankMetrics.rocAuc(known.stream().mapToDouble(p -> p[3]).toArray(), knownLabels);
      }
      rows.add(new AfterActions(k, list.size(), converted, all[0], all[1], known.size(), matchedAuc, bayes));
    });
    return rows;
  }
}
