package io.trailcast.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AucHistogramTest {
  @Test
  void matchesTheMannWhitneyStatistic() {
    AucHistogram auc = new AucHistogram();
    auc.add(0.9, true);
    auc.add(0.8, false);
    auc.add(0.7, true);
    auc.add(0.1, false);
    // pairs (positive, negative): (0.9,0.8) (0.9,0.1) (0.7,0.1) concordant, (0.7,0.8) not: 3/4
    assertEquals(0.75, auc.auc(), 1e-12);
    auc.add(0.7, false);   // a tie counts half: (0.9 > 0.7) + (0.7 = 0.7) / 2 -> 4.5/6
    assertEquals(4.5 / 6, auc.auc(), 1e-12);
  }

  @Test
  void undefinedWithoutBothClasses() {
    AucHistogram auc = new AucHistogram();
    auc.add(0.5, true);
    assertTrue(Double.isNaN(auc.auc()));
  }
}
