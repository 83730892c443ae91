package io.trailcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaOffsetsTest {
  @Test
  void progressOffsetsArePerTopicAndPartition() {
    assertEquals(Map.of("events/0", 5L, "events/1", 7L), KafkaOffsets.parse("{\"events\":{\"1\":7,\"0\":5}}"));
    assertEquals(Map.of(), KafkaOffsets.parse(null));
  }

  @Test
  void offsetsPlannedButNotReadAreLostAndNamed() {
    Map<String, Long> start = Map.of("t/0", 5L, "t/1", 0L, "t/2", 10L);
    Map<String, Long> end = Map.of("t/0", 10L, "t/1", 4L, "t/2", 20L);
    // t/0: retention took 5..7; t/1: all read (two tasks); t/2: nothing left of it.
    KafkaOffsets.Loss loss = KafkaOffsets.lost(start, end, List.of(new KafkaOffsets.Seen("t/0", 8, 9, 2),
        new KafkaOffsets.Seen("t/1", 0, 1, 2), new KafkaOffsets.Seen("t/1", 2, 3, 2)));
    assertEquals(13, loss.offsets());
    assertEquals("t/0 offsets 5..7; t/2 offsets 10..19", loss.where());
    assertEquals(0, KafkaOffsets.lost(Map.of("t/0", 3L), Map.of("t/0", 3L), List.of()).offsets(), "an idle batch");
    assertEquals("t/0 offsets 1 between 0 and 4", KafkaOffsets.lost(Map.of("t/0", 0L), Map.of("t/0", 5L),
        List.of(new KafkaOffsets.Seen("t/0", 0, 4, 4))).where());
  }
}
