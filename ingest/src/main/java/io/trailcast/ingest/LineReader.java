package io.trailcast.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads raw lines as bytes ({@code \n} or {@code \r\n}), however long: a line over the bound is
 * cut at it and flagged, so one 200 KB line cannot blow up memory or hide the lines after it.
 */
public final class LineReader {
  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private byte[] line = new byte[512];
  private int length;
  private long total;
  private boolean overLong;

  public LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** Reads the next line; false at the end of the stream. */
  public boolean next() throws IOException {
    length = 0;
    total = 0;
    overLong = false;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return any;
        }
      }
      any = true;
      byte b = buffer[position++];
      if (b == '\n') {
        if (length > 0 && line[length - 1] == '\r' && !overLong) {
          length--;
        }
        return true;
      }
      total++;
      if (length < maxBytes) {
        if (length == line.length) {
          line = Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
        }
        line[length++] = b;
      } else {
        overLong = true;
      }
    }
  }

  /** The line's bytes (at most the bound). */
  public byte[] bytes() {
    return Arrays.copyOf(line, length);
  }

  /** Whether the line was longer than the bound. */
  public boolean overLong() {
    return overLong;
  }

  /** The line's full length in bytes. */
  public long totalBytes() {
    return total;
  }
}
