package io.trailcast.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailcast.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentDefinitionsTest {
  private static final Set<String> THEMES = Set.of("music", "finance", "travel");
  @TempDir
  Path tmp;

  private String error(String yaml) throws IOException {
    Path file = tmp.resolve("s.yaml");
    Files.writeString(file, yaml);
    return assertThrows(UserException.class, () -> SegmentDefinitions.load(file, THEMES)).getMessage();
  }

  @Test
  void defaultsFillWhatASegmentLeavesOut() throws IOException {
    Path file = tmp.resolve("s.yaml");
    Files.writeString(file, "defaults:\n  min_days: 2\nsegments:\n  - theme: Music\n  - name: rich-fr\n"
        + "    theme: finance\n    min_share: 0.5\n    countries: [fr, es]\n    plans: [premium]\n"
        + "    min_conversion_score: 0.4\n");
    List<SegmentDefinitions.Segment> segments = SegmentDefinitions.load(file, THEMES).segments();
    assertEquals(new SegmentDefinitions.Segment("theme:music", "music", 0.30, 2, 28, 7, List.of(), List.of(), null),
        segments.get(0));
    assertEquals(new SegmentDefinitions.Segment("rich-fr", "finance", 0.5, 2, 28, 7, List.of("FR", "ES"),
        List.of("premium"), 0.4), segments.get(1));
  }

  @Test
  void mistakesAreOneLine() throws IOException {
    assertEquals(tmp.resolve("s.yaml") + ": segment theme:cars names the unknown theme 'cars' (themes: finance, "
        + "music, travel)", error("segments:\n  - theme: cars\n"));
    assertEquals(tmp.resolve("s.yaml") + ": segment theme:music: min_share must be in (0, 1], got 30.0",
        error("segments:\n  - theme: music\n    min_share: 30\n"));
    assertEquals(tmp.resolve("s.yaml") + ": segment theme:music: min_days must be 1..window_days (7), got 10",
        error("segments:\n  - theme: music\n    min_days: 10\n    window_days: 7\n"));
    assertEquals(tmp.resolve("s.yaml") + ": segment theme:music is defined twice",
        error("segments:\n  - theme: music\n  - theme: music\n"));
    assertEquals(tmp.resolve("s.yaml") + ": no segments", error("defaults:\n  min_days: 2\n"));
    assertEquals(true, error("segments:\n  - theme: music\n    share: 0.3\n").contains("unknown key 'share'"));
  }
}
