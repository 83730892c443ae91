package io.trailcast.aggregate.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A variant's arm over days: each day from the batch once it ran over the day, else from the stream. */
class ExperimentArmsTest {
  @Test
  void eachDayFromTheBatchWhereItRanElseFromTheStream() {
    LocalDate monday = LocalDate.of(2026, 3, 2);
    Map<LocalDate, Map<String, Map<String, long[]>>> stored = Map.of(
        // Both: the batch's counts stand (here it found one late session the stream never ended).
        monday, Map.of("live", Map.of("a", new long[] {10, 4}, "b", new long[] {10, 6}),
            "batch", Map.of("a", new long[] {11, 4}, "b", new long[] {10, 6})),
        // The stream alone: today, the batch has not run yet.
        monday.plusDays(1), Map.of("live", Map.of("a", new long[] {3, 1})),
        // The batch alone, a variant with zeros: the batch writes every variant of every day it runs over.
        monday.minusDays(1), Map.of("batch", Map.of("a", new long[] {0, 0}, "b", new long[] {5, 5})));
    List<ExperimentArms.Day> days = ExperimentArms.chosen(stored);
    assertEquals(List.of(monday.minusDays(1), monday, monday.plusDays(1)), days.stream().map(ExperimentArms.Day::day)
        .toList());
    assertEquals(List.of("batch", "batch", "live"), days.stream().map(ExperimentArms.Day::source).toList());
    ExperimentDefinitions.Experiment home = ExperimentDefinitions.defaults().named("home-hero");
    // home-hero's variants are a, b, c: c never landed on, zeros.
    assertEquals(List.of(new Bandit.Arm("a", 14, 5), new Bandit.Arm("b", 15, 11), new Bandit.Arm("c", 0, 0)),
        ExperimentArms.arms(home, days));
  }
}
