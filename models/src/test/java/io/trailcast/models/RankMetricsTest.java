package io.trailcast.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankMetricsTest {
  private static final double[] SCORES = {0.9, 0.8, 0.8, 0.3};
  private static final double[] LABELS = {1, 0, 1, 0};

  @Test
  void rocAucCountsPairsAndHalfATie() {
    // Positives 0.9 and 0.8, negatives 0.8 and 0.3: three pairs won, one tied.
    assertEquals(3.5 / 4, RankMetrics.rocAuc(SCORES, LABELS), 1e-12);
    assertEquals(1.0, RankMetrics.rocAuc(new double[] {0.2, 0.1}, new double[] {1, 0}), 1e-12);
    assertEquals(0.0, RankMetrics.rocAuc(new double[] {0.2, 0.1}, new double[] {0, 1}), 1e-12);
  }

  @Test
  void prAucIsTheTrapezoidsFromTheFirstPrecision() {
    // Points (recall, precision): (0, 1) then (0.5, 1) at 0.9, (1, 2/3) at 0.8 (the tie together), (1, 1/2) at 0.3.
    assertEquals(0.5 + 0.5 * (1 + 2.0 / 3) / 2, RankMetrics.prAuc(SCORES, LABELS), 1e-12);
  }

  @Test
  void oneClassHasNoAuc() {
    assertTrue(Double.isNaN(RankMetrics.rocAuc(new double[] {0.3, 0.4}, new double[] {1, 1})));
    assertTrue(Double.isNaN(RankMetrics.prAuc(new double[] {0.3, 0.4}, new double[] {0, 0})));
  }

  @Test
  void afterActionsGroupsByKAndComparesTheTruthOnTheSessionsItKnows() {
    double nan = Double.NaN;
    List<AfterActions> rows = AfterActions.of(List.of(
        new double[] {1, 1, 0.9, 0.7}, new double[] {1, 0, 0.8, 0.2}, new double[] {1, 1, 0.8, nan},
        new double[] {1, 0, 0.3, 0.4}, new double[] {2, 1, 0.6, 0.7}, new double[] {2, 0, 0.5, 0.2}));
    assertEquals(2, rows.size());
    AfterActions first = rows.get(0);
    assertEquals(1, first.actions());
    assertEquals(4, first.sessions());
    assertEquals(2, first.converted());
    assertEquals(0.875, first.rocAuc(), 1e-12);
    assertEquals(3, first.matched(), "the truth knows three of the four");
    // On those three: scores 0.9 (converted), 0.8 and 0.3 (not): every pair won; the truth's 0.7, 0.2, 0.4 too.
    assertEquals(1.0, first.matchedRocAuc(), 1e-12);
    assertEquals(1.0, first.bayesAuc(), 1e-12);
    assertEquals(2, rows.get(1).sessions());
    AfterActions untold = AfterActions.of(List.<double[]>of(new double[] {1, 1, 0.9, nan},
        new double[] {1, 0, 0.1, nan})).get(0);
    assertEquals(0, untold.matched());
    assertTrue(Double.isNaN(untold.bayesAuc()));
  }
}
