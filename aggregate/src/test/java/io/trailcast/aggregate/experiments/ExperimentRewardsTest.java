package io.trailcast.aggregate.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trailcast.aggregate.experiments.ExperimentRewards.Key;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What sessions earn the variants they landed on: hand-written sessions, exact counts. */
class ExperimentRewardsTest {
  private static final LocalDate DAY = LocalDate.of(2026, 3, 2);

  @TempDir
  Path tmp;

  @Test
  void eachRewardCountsTheSessionsThatLandedOnAVariant() throws Exception {
    ExperimentDefinitions defined = ExperimentDefinitions.load(Files.writeString(tmp.resolve("e.yaml"), """
        experiments:
          - name: home
            variants: [{id: a, url: "/"}, {id: b, url: "/?hero=b"}]
          - name: pricing-engaged
            landing: ^/pricing
            reward: engaged
            variants: [{id: old, url: /pricing}, {id: new, url: "/pricing?layout=2"}]
          - name: pricing-converted
            landing: ^/pricing
            reward: converted
            variants: [{id: old, url: /pricing}, {id: new, url: "/pricing?layout=2"}]
        """));
    Map<Key, long[]> counts = new HashMap<>();
    // landing page as stored, depth, bot, bounced, engaged, converted, sessions
    add(counts, defined, "www.trailmag.com/", 1, false, true, false, false, 3);
    add(counts, defined, "www.trailmag.com/", 4, false, false, true, true, 2);
    add(counts, defined, "www.trailmag.com/?hero=b", 2, false, false, true, false, 5);
    add(counts, defined, "www.trailmag.com/?hero=b", 1, false, true, true, false, 1);
    // A bot's session, a session without a pageview, and pages that are no variant earn nothing.
    add(counts, defined, "www.trailmag.com/?hero=b", 3, true, false, true, false, 7);
    add(counts, defined, "www.trailmag.com/?hero=b", 0, false, false, false, false, 7);
    add(counts, defined, "www.trailmag.com/?hero=c", 2, false, false, true, false, 7);
    add(counts, defined, "www.trailmag.com/news", 2, false, false, true, false, 7);
    // One landing counts for every experiment it is a variant of, each with its own reward.
    add(counts, defined, "shop.trailmag.com/pricing?layout=2", 3, false, false, true, true, 4);
    add(counts, defined, "shop.trailmag.com/pricing", 1, false, true, false, false, 6);
    add(counts, defined, "shop.trailmag.com/pricing", 1, false, true, true, false, 1);

    Map<String, long[]> byKey = new TreeMap<>();
    counts.forEach((k, v) -> byKey.put(k.experiment() + "/" + k.variant() + "/" + k.day(), v));
    assertEquals(java.util.List.of("home/a/2026-03-02", "home/b/2026-03-02", "pricing-converted/new/2026-03-02",
        "pricing-converted/old/2026-03-02", "pricing-engaged/new/2026-03-02", "pricing-engaged/old/2026-03-02"),
        java.util.List.copyOf(byKey.keySet()));
    assertArrayEquals(new long[] {5, 2}, byKey.get("home/a/2026-03-02"), "not bounced: 2 of 5");
    assertArrayEquals(new long[] {6, 5}, byKey.get("home/b/2026-03-02"));
    assertArrayEquals(new long[] {4, 4}, byKey.get("pricing-engaged/new/2026-03-02"));
    assertArrayEquals(new long[] {7, 1}, byKey.get("pricing-engaged/old/2026-03-02"), "engaged though bounced");
    assertArrayEquals(new long[] {4, 4}, byKey.get("pricing-converted/new/2026-03-02"));
    assertArrayEquals(new long[] {7, 0}, byKey.get("pricing-converted/old/2026-03-02"));
  }

  @Test
  void aLandingRegexNarrowsWhichVariantLandingsCount() throws Exception {
    ExperimentDefinitions defined = ExperimentDefinitions.load(Files.writeString(tmp.resolve("e.yaml"), """
        experiments:
          - name: only-b
            landing: hero=b$
            variants: [{id: a, url: "/"}, {id: b, url: "/?hero=b"}]
        """));
    Map<Key, long[]> counts = new HashMap<>();
    add(counts, defined, "www.trailmag.com/", 1, false, true, false, false, 3);
    add(counts, defined, "www.trailmag.com/?hero=b", 1, false, true, false, false, 2);
    assertEquals(1, counts.size());
    assertArrayEquals(new long[] {2, 0}, counts.get(new Key("only-b", DAY, "b")));
    assertEquals("/", ExperimentRewards.pathAndQuery("www.trailmag.com"));
    assertEquals("/a?b=c", ExperimentRewards.pathAndQuery("host:8080/a?b=c"));
  }

  private static void add(Map<Key, long[]> counts, ExperimentDefinitions defined, String landing, int depth,
      boolean bot, boolean bounced, boolean engaged, boolean converted, long sessions) {
    ExperimentRewards.add(counts, defined.experiments(), DAY, landing, depth, bot, bounced, engaged, converted,
        sessions);
  }
}
