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
 * never sits in memory.
 */
public final class InputFileRows implements Iterator<Row> {
  private final InputStream in;
  private final LineReader lines;
  private final LineIngester ingester;
  private final String source;
  private long lineNo;
  private long blank;
  private long unreadable;
  private Row next;
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
      while (next == null && !done) {
        if (!lines.next()) {
          done = true;
          in.close();
          break;
        }
        lineNo++;
        Object outcome = ingester.accept(lines.bytes(), lines.overLong(), lines.totalBytes(), lineNo);
        if (outcome instanceof Event event) {
          next = IngestRows.of(event);
        } else if (outcome instanceof Rejected rejected) {
          next = IngestRows.of(rejected);
        } else {
          blank++;
        }
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
      next = IngestRows.of(new Rejected(source, lineNo + 1, "file unreadable from this line on: " + e, ""));
      // The unreadable rest counts as one line: the quarantined one that says so.
      unreadable = 1;
      return true;
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
