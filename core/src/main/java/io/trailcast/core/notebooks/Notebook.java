package io.trailcast.core.notebooks;

import io.trailcast.core.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of queries analysts open (notebooks/README.md): CQL ({@code .cql}, run by the driver) or
 * Spark SQL over the connector's catalog ({@code .sql}, tables as {@code cassandra.KEYSPACE.TABLE}).
 * Statements end with {@code ;} at the end of a line; the comment lines just before a statement
 * are its title. {@code -- @param NAME [DEFAULT]} declares a parameter, used as {@code ${NAME}};
 * {@code ${keyspace}} is always the keyspace it runs in.
 */
public record Notebook(Path file, Language language, Map<String, String> defaults, List<Cell> cells) {
  private static final Pattern PARAM = Pattern.compile("--\\s*@param\\s+(\\w+)(?:\\s+(.*\\S))?\\s*");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+)}");

  public enum Language { CQL, SPARK_SQL }

  /** One statement and the comment that says what it answers. */
  public record Cell(String title, String statement) {
  }

  public static Notebook load(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Language language = name.endsWith(".cql") ? Language.CQL : name.endsWith(".sql") ? Language.SPARK_SQL : null;
    if (language == null) {
      throw new UserException(file + ": a notebook is a .cql (CQL) or .sql (Spark SQL) file");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, String> defaults = new LinkedHashMap<>();
    Set<String> declared = new HashSet<>();
    List<Cell> cells = new ArrayList<>();
    StringBuilder title = new StringBuilder();
    StringBuilder statement = new StringBuilder();
    for (String line : lines) {
      String trimmed = line.strip();
      Matcher param = PARAM.matcher(trimmed);
      if (statement.isEmpty() && param.matches()) {
        declared.add(param.group(1));
        if (param.group(2) != null) {
          defaults.put(param.group(1), param.group(2));
        }
      } else if (statement.isEmpty() && trimmed.startsWith("--")) {
        title.append(title.isEmpty() ? "" : " ").append(trimmed.substring(2).strip());
      } else if (statement.isEmpty() && trimmed.isEmpty()) {
        title.setLength(0);
      } else if (!trimmed.startsWith("--")) {
        statement.append(statement.isEmpty() ? "" : "\n").append(line.stripTrailing());
        if (trimmed.endsWith(";")) {
          String text = statement.toString().strip();
          cells.add(new Cell(title.toString(), text.substring(0, text.length() - 1).strip()));
          title.setLength(0);
          statement.setLength(0);
        }
      }
    }
    if (!statement.isEmpty()) {
      throw new UserException(file + ": the last statement does not end with ';'");
    }
    Set<String> used = new HashSet<>();
    for (Cell cell : cells) {
      Matcher m = PLACEHOLDER.matcher(cell.statement());
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    used.remove("keyspace");
    used.removeAll(declared);
    if (!used.isEmpty()) {
      throw new UserException(file + ": parameters used but not declared with -- @param: " + used);
    }
    return new Notebook(file, language, Map.copyOf(defaults), List.copyOf(cells));
  }

  /** Parameters declared without a default: they must be given. */
  public Set<String> required() {
    Set<String> out = new HashSet<>();
    for (Cell cell : cells) {
      Matcher m = PLACEHOLDER.matcher(cell.statement());
      while (m.find()) {
        if (!m.group(1).equals("keyspace") && !defaults.containsKey(m.group(1))) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  /** The statement with its parameters filled in: given values over defaults. */
  public String bind(Cell cell, String keyspace, Map<String, String> given) {
    Matcher m = PLACEHOLDER.matcher(cell.statement());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = name.equals("keyspace") ? keyspace : given.getOrDefault(name, defaults.get(name));
      if (value == null) {
        throw new UserException(file + " needs --set " + name + "=VALUE");
      }
      if (value.contains("'") || value.contains(";")) {
        throw new UserException("--set " + name + ": a value may not contain ' or ;");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
