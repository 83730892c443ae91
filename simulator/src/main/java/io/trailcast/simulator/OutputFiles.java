package io.trailcast.simulator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** A line-oriented output file, plain or gzip, written as bytes (corrupt lines are not text). */
final class OutputFiles {
  private OutputFiles() {
  }

  static final class LineFile implements AutoCloseable {
    final String name;
    private final OutputStream out;
    private long lines;

    LineFile(Path file, boolean gzip) throws IOException {
      Files.createDirectories(file.getParent());
      this.name = file.getFileName().toString();
      OutputStream raw = Files.newOutputStream(file);
      this.out = new BufferedOutputStream(gzip ? new GZIPOutputStream(raw, 1 << 16) : raw, 1 << 16);
    }

    /** Writes one line; returns its 1-based line number. */
    long write(String line) throws IOException {
      return write(line.getBytes(StandardCharsets.UTF_8));
    }

    long write(byte[] line) throws IOException {
      out.write(line);
      out.write('\n');
      return ++lines;
    }

    long lines() {
      return lines;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** A CSV value, quoted when it needs to be. */
  static String csv(Object value) {
    if (value == null) {
      return "";
    }
    String text = value instanceof Double d && d.isNaN() ? "" : String.valueOf(value);
    if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
      return "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }

  static String csvLine(Object... values) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(csv(values[i]));
    }
    return line.toString();
  }
}
