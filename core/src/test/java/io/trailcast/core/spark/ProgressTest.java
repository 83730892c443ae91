package io.trailcast.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void aPhaseOfCountedStepsTakesItsEtaFromTheSteps() {
    // 3 of 9 fits in 30 s: 10 s a fit, 6 to go. The tasks of the stage running now do not count.
    assertEquals("model train: search logistic: 3/9 treeAggregate tasks 1/4, 30 s, ETA 60 s",
        Progress.line("model train: search logistic", "treeAggregate", 1, 4, 3, 9, -1, 30.0));
    assertEquals("identities: rounds: 0/5, 2 s", Progress.line("identities: rounds", "", 0, 0, 0, 5, -1, 2.0),
        "no ETA before the first step");
    assertEquals("backfill: 5/5, 50 s", Progress.line("backfill", "", 0, 0, 5, 5, -1, 50.0), "none after the last");
  }

  @Test
  void rowsWithTheirRateAndAnEtaFromTheTasksWhenNoStepsAreCounted() {
    assertEquals("write sessions: foreachPartition tasks 2/8, 12,000 rows, 3,000 rows/s, 4 s, ETA 12 s",
        Progress.line("write sessions", "foreachPartition", 2, 8, 0, 0, 12_000, 4.0));
    assertEquals("aggregate: compute: 0 s", Progress.line("aggregate: compute", "", 0, 0, 0, 0, -1, 0.0),
        "a phase that counts nothing shows its time");
    assertEquals("identities: connected components: 4 done, 9 s",
        Progress.line("identities: connected components", "", 0, 0, 4, 0, -1, 9.0),
        "steps of a number not known ahead: how many, and no ETA");
  }

  @Test
  void etaIsThePaceSoFarOverWhatIsLeft() {
    assertEquals(20.0, Progress.eta(1, 3, 10.0), 1e-9);
    assertTrue(Double.isNaN(Progress.eta(0, 3, 10.0)));
    assertTrue(Double.isNaN(Progress.eta(3, 3, 10.0)));
  }
}
