package io.trailcast.deploy;

import io.trailcast.core.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A labels CSV with a header naming {@code url}, {@code theme} and optionally {@code title} (other
 * columns, such as the simulator's {@code language}, are ignored; quoted fields allowed): its rows
 * as {url, theme, title or ""}. Rows without a theme (pages nobody labelled) are skipped.
 */
final class LabelFile {
  private LabelFile() {
  }

  static List<String[]> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserException("labels file " + file + " does not exist");
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> header = lines.isEmpty() ? List.of()
        : fields(lines.get(0).trim().toLowerCase(java.util.Locale.ROOT));
    int url = header.indexOf("url");
    int theme = header.indexOf("theme");
    int title = header.indexOf("title");
    if (url < 0 || theme < 0) {
      throw new UserException(file + ": the first line must be a header with url and theme columns (title optional)");
    }
    List<String[]> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> fields = fields(lines.get(i));
      if (fields.size() <= Math.max(url, theme) || fields.get(url).isEmpty()) {
        throw new UserException(file + " line " + (i + 1) + ": needs a url and a theme column");
      }
      if (fields.get(theme).isEmpty()) {
        continue;
      }
      String titleText = title >= 0 && title < fields.size() ? fields.get(title) : "";
      rows.add(new String[] {fields.get(url), fields.get(theme), titleText});
    }
    if (rows.isEmpty()) {
      throw new UserException(file + ": no labelled URLs");
    }
    return rows;
  }

  /** RFC 4180 fields of one line (no line breaks inside quotes). */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
