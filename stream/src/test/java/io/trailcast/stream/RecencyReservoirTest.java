package io.trailcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recency-weighted bounce's reservoir against its analytical property (Aggarwal 2006): once a session is in a
 * reservoir of capacity n, each later session removes it with probability exactly 1/n (it replaces a member with
 * the fill fraction, size/n, and picks this one with 1/size), so the r-th of t sessions is still there with
 * probability (1 - 1/n)^(t-r), about e^(-(t-r)/n). Checked over many runs with the stream's own draws (a hash of
 * each session id), within four standard errors.
 */
class RecencyReservoirTest {
  private static final int CAPACITY = 50;
  private static final int RUNS = 20_000;
  /** The marked session's place: the reservoir is full long before it. */
  private static final int MARKED = 400;

  @Test
  void aSessionStaysWithProbabilityEToTheMinusItsAgeOverTheCapacity() {
    int[] ages = {0, 10, 25, 50, 100, 150, 250};
    int oldest = ages[ages.length - 1];
    long[] stayed = new long[ages.length];
    for (int run = 0; run < RUNS; run++) {
      RecencyReservoir reservoir = new RecencyReservoir(CAPACITY, List.of(), 0);
      // The marked session is the only one that bounced: whether the sample still holds a bounce says whether it
      // is still there.
      for (int s = 0; s <= MARKED + oldest; s++) {
        double[] draws = RecencyReservoir.draws("run" + run + "-session" + s);
        reservoir.add(s == MARKED, draws[0], draws[1]);
        int age = s - MARKED;
        for (int a = 0; a < ages.length; a++) {
          if (ages[a] == age && reservoir.sample().contains(true)) {
            stayed[a]++;
          }
        }
      }
    }
    for (int a = 0; a < ages.length; a++) {
      double observed = stayed[a] / (double) RUNS;
      double exact = Math.pow(1 - 1.0 / CAPACITY, ages[a]);
      double error = 4 * Math.sqrt(exact * (1 - exact) / RUNS) + 1e-9;
      assertEquals(exact, observed, error, "age " + ages[a] + ": (1 - 1/n)^age");
      // e^(-age/n) differs from the exact figure by about age / (2 n^2) of it: within the same sampling error.
      double approximate = Math.exp(-(double) ages[a] / CAPACITY);
      assertEquals(approximate, observed, error + approximate * ages[a] / (2.0 * CAPACITY * CAPACITY),
          "age " + ages[a] + ": e^(-age/n)");
    }
    assertEquals(1.0, stayed[0] / (double) RUNS, 1e-12, "a new session always enters");
    assertTrue(stayed[ages.length - 1] > 0, "some survive five capacities");
  }

  @Test
  void theSampleNeverOutgrowsItsCapacityAndCountsEverySession() {
    RecencyReservoir reservoir = new RecencyReservoir(CAPACITY, List.of(), 0);
    for (int s = 0; s < 10 * CAPACITY; s++) {
      double[] draws = RecencyReservoir.draws("s" + s);
      reservoir.add(s % 4 == 0, draws[0], draws[1]);
      assertTrue(reservoir.sample().size() <= CAPACITY);
    }
    assertEquals(10L * CAPACITY, reservoir.seen());
    assertEquals(0.25, reservoir.bounceRate(), 0.15, "a quarter bounced, in a sample of 50");
  }
}
