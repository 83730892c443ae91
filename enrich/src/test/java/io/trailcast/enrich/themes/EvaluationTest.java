package io.trailcast.enrich.themes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  @Test
  void accuracyMacroF1AndConfusion() {
    Evaluation e = Evaluation.of(List.of("a", "a", "b", "b"), List.of("a", "b", "b", "unknown"));
    assertEquals(4, e.n());
    assertEquals(0.5, e.accuracy(), 1e-12);
    // a: precision 1, recall 1/2 -> F1 2/3; b: precision 1/2, recall 1/2 -> 1/2.
    assertEquals((2.0 / 3 + 0.5) / 2, e.macroF1(), 1e-12);
    assertEquals(Map.of("a", 1L, "b", 1L), e.confusion().get("a"));
    assertEquals(List.of("a", "b", "unknown"), e.predictedThemes());
  }
}
