package io.trailcast.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run did. {@code lines} are the physical lines the readers saw, {@code read} those that
 * held data; {@code lines = blank + written + duplicates + quarantined + filtered + suppressed}
 * holds for every file (the job checks it with {@link LineAccounts}). Bots are written (flagged),
 * so they count inside {@code written}; suppressed events are a forgotten person's, dropped.
 */
public record IngestResult(long lines, long blank, long read, long written, long duplicates, long quarantined,
    long filtered, long suppressed, long bots, Map<String, InputFormat> files) {

  public boolean balanced() {
    return read == written + duplicates + quarantined + filtered + suppressed && lines == blank + read;
  }

  public Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("lines", lines);
    counts.put("blank", blank);
    counts.put("read", read);
    counts.put("written", written);
    counts.put("duplicates", duplicates);
    counts.put("quarantined", quarantined);
    counts.put("filtered", filtered);
    counts.put("suppressed", suppressed);
    counts.put("bots", bots);
    counts.put("files", (long) files.size());
    return counts;
  }

  public String line() {
    return String.format("read %,d lines: %,d written (%,d bots), %,d duplicates, %,d quarantined%s%s%s", read,
        written, bots, duplicates, quarantined, filtered > 0 ? String.format(", %,d outside the window", filtered) : "",
        suppressed > 0 ? String.format(", %,d of forgotten persons dropped", suppressed) : "",
        blank > 0 ? String.format("; and %,d lines without data", blank) : "");
  }
}
