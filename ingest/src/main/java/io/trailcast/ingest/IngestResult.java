package io.trailcast.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run did. {@code read = written + duplicates + quarantined + filtered} always holds (the
 * job checks it); bots are written (flagged), so they count inside {@code written}.
 */
public record IngestResult(long read, long written, long duplicates, long quarantined, long filtered, long bots,
    Map<String, InputFormat> files) {

  public boolean balanced() {
    return read == written + duplicates + quarantined + filtered;
  }

  public Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("read", read);
    counts.put("written", written);
    counts.put("duplicates", duplicates);
    counts.put("quarantined", quarantined);
    counts.put("filtered", filtered);
    counts.put("bots", bots);
    counts.put("files", (long) files.size());
    return counts;
  }

  public String line() {
    return String.format("read %,d lines: %,d written (%,d bots), %,d duplicates, %,d quarantined%s", read, written,
        bots, duplicates, quarantined, filtered > 0 ? String.format(", %,d outside the window", filtered) : "");
  }
}
