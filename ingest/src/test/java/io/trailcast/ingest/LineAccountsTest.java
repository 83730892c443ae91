package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineAccountsTest {
  private static long[] counts(long lines, long blank, long written, long duplicates, long quarantined,
      long filtered, long suppressed) {
    return new long[] {lines, blank, written, duplicates, quarantined, filtered, suppressed};
  }

  @Test
  void everyLineOfEverySourceMustBeAccountedFor() {
    LineAccounts accounts = new LineAccounts();
    accounts.addAll(Map.of("a.log", counts(10, 1, 6, 1, 1, 1, 0), "b.log", counts(3, 0, 2, 0, 0, 0, 1)));
    assertEquals(List.of(), LineAccounts.unbalanced(accounts.value()));
    assertEquals(13, LineAccounts.total(accounts.value())[0]);

    accounts.add(new LineAccounts.Count("b.log", LineAccounts.Outcome.LINES, 1));
    accounts.add(new LineAccounts.Count("c.log", LineAccounts.Outcome.WRITTEN, 2));
    assertEquals(List.of("b.log: 4 lines read, 0 blank, 2 written, 0 duplicates, 0 quarantined, 0 outside the "
        + "window, 1 suppressed: 1 unaccounted", "c.log: 0 lines read, 0 blank, 2 written, 0 duplicates, 0 "
        + "quarantined, 0 outside the window, 0 suppressed: 2 too many"), LineAccounts.unbalanced(accounts.value()));
  }
}
