package io.trailcast.core.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints named columns and rows of values as a table, CSV (RFC 4180) or JSON lines. */
public final class RowPrinter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RowPrinter() {
  }

  public static void print(PrintWriter out, OutputFormat format, List<String> columns, List<List<Object>> rows) {
    switch (format) {
      case CSV -> printCsv(out, columns, rows);
      case JSON -> printJson(out, columns, rows);
      default -> printTable(out, columns, rows);
    }
    out.flush();
  }

  private static void printTable(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    int[] widths = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      widths[c] = columns.get(c).length();
    }
    List<List<String>> cells = new ArrayList<>();
    for (List<Object> row : rows) {
      List<String> line = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        String text = text(row.get(c));
        widths[c] = Math.max(widths[c], text.length());
        line.add(text);
      }
      cells.add(line);
    }
    out.println(line(columns, widths));
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
    }
    out.println(rule);
    for (List<String> line : cells) {
      out.println(line(line, widths));
    }
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static String line(List<String> values, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < values.size(); c++) {
      line.append(c == 0 ? "" : " | ").append(String.format("%-" + widths[c] + "s", values.get(c)));
    }
    return line.toString().stripTrailing();
  }

  private static void printCsv(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    out.println(csvLine(new ArrayList<>(columns)));
    for (List<Object> row : rows) {
      out.println(csvLine(row));
    }
  }

  private static String csvLine(List<?> values) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < values.size(); c++) {
      if (c > 0) {
        line.append(',');
      }
      Object value = values.get(c);
      String text = value == null ? "" : String.valueOf(value);
      if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
        text = "\"" + text.replace("\"", "\"\"") + "\"";
      }
      line.append(text);
    }
    return line.toString();
  }

  private static void printJson(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    for (List<Object> row : rows) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        object.put(columns.get(c), jsonValue(row.get(c)));
      }
      try {
        out.println(JSON.writeValueAsString(object));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Object jsonValue(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> converted = new LinkedHashMap<>();
      map.forEach((k, v) -> converted.put(String.valueOf(k), jsonValue(v)));
      return converted;
    }
    if (value instanceof java.util.Collection<?> collection) {
      List<Object> converted = new ArrayList<>();
      collection.forEach(v -> converted.add(jsonValue(v)));
      return converted;
    }
    return value.toString();
  }

  private static String text(Object value) {
    return value == null ? "null" : String.valueOf(value);
  }
}
