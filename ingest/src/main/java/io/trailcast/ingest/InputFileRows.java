package io.trailcast.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;

/**
 * The rows of one input file, read lazily line by line (plain or gzip, told by its magic bytes),
 * and last its line count ({@link IngestRows#lineCount}). Runs on an executor; the whole file
 * never sits in memory. A rejected line has no time of its own: it is counted under the day of the
 * event before it in the file, or of the first one after it (logs are in time order), for the
 * quality figures ({@link DayAccounts}); at most {@link #UNDATED_HELD} of them wait for that event.
 */
public final class InputFileRows implements Iterator<Row> {
  /** Rejected lines held until an event gives them a day; past this many they go without one. */
  static final int UNDATED_HELD = 1_000;
  private final InputStream in;
  private final LineReader lines;
  private final LineIngester ingester;
  private final String source;
  private long lineNo;
  private long blank;
  private long unreadable;
  private Row next;
  /** Rows ready before {@code next}: held rejected lines, then the event that dated them. */
  private final java.util.ArrayDeque<Row> ready = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<Rejected> undated = new java.util.ArrayDeque<>();
  private java.time.LocalDate lastDay;
  private boolean done;
  private boolean counted;

  public InputFileRows(InputStream raw, String source, InputFormat format, EventBuilder builder) {
    this.ingester = new LineIngester(source, format, builder);
    this.source = source;
    InputStream opened;
    try {
      opened = decompressed(raw);
    } catch (IOException e) {
      // A damaged gzip header: the whole file is unreadable, and says so in quarantine.
      opened = raw;
      done = true;
      next = IngestRows.of(new Rejected(source, 1, "file unreadable from this line on: " + e, ""));
      unreadable = 1;
    }
    this.in = opened;
    this.lines = new LineReader(in, LineIngester.MAX_LINE_BYTES);
  }

  /** The stream itself, or its gzip decompression when it starts with the gzip magic bytes. */
  public static InputStream decompressed(InputStream raw) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    int b1 = buffered.read();
    int b2 = buffered.read();
    buffered.reset();
    return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
  }

  @Override
  public boolean hasNext() {
    try {
      while (next == null && ready.isEmpty() && !done) {
        if (!lines.next()) {
          done = true;
          in.close();
          break;
        }
        lineNo++;
        Object outcome = ingester.accept(lines.bytes(), lines.overLong(), lines.totalBytes(), lineNo);
        if (outcome instanceof Event event) {
          lastDay = event.day();
          while (!undated.isEmpty()) {
            ready.add(IngestRows.of(undated.poll(), lastDay));
          }
          ready.add(IngestRows.of(event));
        } else if (outcome instanceof Rejected rejected) {
          reject(rejected);
        } else {
          blank++;
        }
      }
      if (next == null && done) {
        // No event came after them: they stay without a day.
        while (!undated.isEmpty()) {
          ready.add(IngestRows.of(undated.poll(), null));
        }
      }
      if (next == null && !ready.isEmpty()) {
        next = ready.poll();
      }
      if (next == null && !counted) {
        // Last, the file's line count as the reader saw it: what every outcome must add up to.
        counted = true;
        next = IngestRows.lineCount(source, lineNo + unreadable, blank);
      }
      return next != null;
    } catch (IOException e) {
      // A damaged file (a cut gzip stream, a read error) quarantines its rest, not the job.
      done = true;
      closeQuietly();
      // The unreadable rest counts as one line: the quarantined one that says so.
      unreadable = 1;
      reject(new Rejected(source, lineNo + 1, "file unreadable from this line on: " + e, ""));
      return hasNext();
    }
  }

  private void reject(Rejected rejected) {
    if (lastDay != null) {
      ready.add(IngestRows.of(rejected, lastDay));
    } else if (undated.size() < UNDATED_HELD) {
      undated.add(rejected);
    } else {
      ready.add(IngestRows.of(rejected, null));
    }
  }

  private void closeQuietly() {
    try {
      in.close();
    } catch (IOException e) {
      // already failing: the quarantine row says why
    }
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Row row = next;
    next = null;
    return row;
  }
}
