package io.trailcast.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCurvesTest {
  private static final double[] SCORES = {0.95, 0.85, 0.75, 0.65, 0.55, 0.45, 0.35, 0.25, 0.15, 0.05};
  private static final double[] LABELS = {1, 1, 0, 1, 0, 0, 0, 0, 0, 0};

  @Test
  void rocStepsThroughTheRowsFromTheHighestScore() {
    List<double[]> roc = ModelCurves.of(SCORES, LABELS).roc();
    double[][] expected = {{0, 0}, {0, 1 / 3.0}, {0, 2 / 3.0}, {1 / 7.0, 2 / 3.0}, {1 / 7.0, 1}, {2 / 7.0, 1},
        {3 / 7.0, 1}, {4 / 7.0, 1}, {5 / 7.0, 1}, {6 / 7.0, 1}, {1, 1}};
    assertEquals(expected.length, roc.size());
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], roc.get(i), 1e-12, "point " + i);
    }
  }

  @Test
  void tiedScoresMoveTogether() {
    List<double[]> roc = ModelCurves.of(new double[] {0.5, 0.5}, new double[] {1, 0}).roc();
    assertEquals(2, roc.size(), "no point between two rows of the same score");
    assertArrayEquals(new double[] {1, 1}, roc.get(1));
  }

  @Test
  void liftIsEachDecilesRateOverTheOverallRate() {
    double third = 1 / 0.3;
    double[] expected = {third, third, 0, third, 0, 0, 0, 0, 0, 0};
    List<Double> lift = ModelCurves.of(SCORES, LABELS).lift();
    assertArrayEquals(expected, lift.stream().mapToDouble(Double::doubleValue).toArray(), 1e-12);
  }

  @Test
  void calibrationHoldsTheBinsWithRows() {
    List<double[]> calibration = ModelCurves.of(new double[] {0.12, 0.18, 0.91}, new double[] {0, 1, 1})
        .calibration();
    assertEquals(2, calibration.size());
    assertArrayEquals(new double[] {0.1, 2, 0.15, 0.5}, calibration.get(0), 1e-12);
    assertArrayEquals(new double[] {0.9, 1, 0.91, 1}, calibration.get(1), 1e-12);
  }

  @Test
  void storedAsJsonAndReadBack() {
    ModelCurves curves = ModelCurves.of(SCORES, LABELS);
    ModelCurves back = ModelCurves.fromJson(curves.toJson());
    assertEquals(curves.lift(), back.lift());
    assertArrayEquals(curves.roc().get(3), back.roc().get(3));
    assertNull(ModelCurves.fromJson(null), "a model recorded before curves were");
  }
}
