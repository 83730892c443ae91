package io.trailcast.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the simulator's truth CSV files (values quoted only when they hold a comma or a quote). */
public final class TruthCsv {
  private TruthCsv() {
  }

  /** The rows of a truth CSV, header left out. */
  public static List<String[]> rows(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      List<String> values = new ArrayList<>();
      StringBuilder value = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          value.append('"');
          i++;
        } else if (c == '"') {
          quoted = !quoted;
        } else if (c == ',' && !quoted) {
          values.add(value.toString());
          value.setLength(0);
        } else {
          value.append(c);
        }
      }
      values.add(value.toString());
      rows.add(values.toArray(String[]::new));
    }
    return rows;
  }
}
