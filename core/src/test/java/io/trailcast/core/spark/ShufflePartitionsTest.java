package io.trailcast.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShufflePartitionsTest {
  @Test
  void onePartitionPerUnitsOrPartOfOneBetweenOneAndTheSetting() {
    assertEquals(1, ShufflePartitions.forInput(0, 2_000, 8), "an empty window still runs");
    assertEquals(1, ShufflePartitions.forInput(3, 2_000, 8));
    assertEquals(1, ShufflePartitions.forInput(2_000, 2_000, 8));
    assertEquals(2, ShufflePartitions.forInput(2_001, 2_000, 8), "a part of one more is one more");
    assertEquals(7, ShufflePartitions.forInput(13_500, 2_000, 8));
    assertEquals(8, ShufflePartitions.forInput(16_000, 2_000, 8));
    assertEquals(8, ShufflePartitions.forInput(100_000, 2_000, 8), "a large run keeps the session's setting");
    assertEquals(1, ShufflePartitions.forInput(100_000, 2_000, 1));
  }
}
