package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

class ArrivalDelaysTest {
  private static final DayAccounts.Key DAY = new DayAccounts.Key(LocalDate.of(2026, 1, 5), "a.log", "");

  @Test
  void anEventAheadOfTheClockArrivedAtOnce() {
    assertEquals(90.0, ArrivalDelays.seconds(1_000, 91_000));
    assertEquals(0.0, ArrivalDelays.seconds(91_000, 1_000));
  }

  /** Two tasks' sketches of one day and file merge into the day's: exact while they hold few values. */
  @Test
  void tasksSketchesMergeIntoTheDaysPercentiles() {
    ArrivalDelays delays = new ArrivalDelays();
    delays.add(Map.of(DAY, sketchOf(1, 100)));
    delays.add(Map.of(DAY, sketchOf(101, 200)));
    double[] percentiles = ArrivalDelays.percentiles(List.of(delays.value().get(DAY)));
    assertArrayEquals(new double[] {100, 180, 198, 200}, percentiles, 2.0, "p50, p90, p99, max of 1..200 s");
    assertNull(ArrivalDelays.percentiles(List.of()), "no event, no delay");
  }

  private static byte[] sketchOf(int from, int to) {
    KllDoublesSketch sketch = ArrivalDelays.sketch();
    for (int s = from; s <= to; s++) {
      sketch.update(s);
    }
    return sketch.toByteArray();
  }
}
