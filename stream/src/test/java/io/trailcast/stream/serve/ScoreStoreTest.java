package io.trailcast.stream.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which month partitions of conversion_scores can hold a user's newest score, newest first. */
class ScoreStoreTest {
  private static List<YearMonth> months(String... months) {
    return java.util.Arrays.stream(months).map(YearMonth::parse).toList();
  }

  @Test
  void thisMonthAndTheOneBeforeThenTwelveBackFromTheLastActivity() {
    assertEquals(months("2026-11", "2026-10", "2026-03", "2026-02", "2026-01", "2025-12", "2025-11", "2025-10",
            "2025-09", "2025-08", "2025-07", "2025-06", "2025-05", "2025-04"),
        ScoreStore.months(YearMonth.parse("2026-11"), YearMonth.parse("2026-03"), null));
  }

  @Test
  void withoutAggregatedActivityTwelveBackFromNowAndTheStreamsMonths() {
    List<YearMonth> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      expected.add(YearMonth.parse("2026-11").minusMonths(i));
    }
    expected.addAll(months("2025-08", "2025-07"));
    assertEquals(expected, ScoreStore.months(YearMonth.parse("2026-11"), null, YearMonth.parse("2025-08")));
  }

  @Test
  void activityAfterTheClockComesFirst() {
    List<YearMonth> found = ScoreStore.months(YearMonth.parse("2026-01"), YearMonth.parse("2026-02"), null);
    assertEquals(months("2026-02", "2026-01", "2025-12"), found.subList(0, 3));
    assertEquals(12, found.size(), "2026-02 back to 2025-03");
  }
}
