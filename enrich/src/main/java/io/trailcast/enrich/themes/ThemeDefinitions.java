package io.trailcast.enrich.themes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.trailcast.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The themes analysts define (a YAML file; {@code default-themes.yaml} is shipped): a threshold,
 * each theme's seed words (any language) and optional parent, and rules (host, path prefix or
 * regex → theme) that are evaluated first, in order. Mistakes fail with one line naming them.
 */
public final class ThemeDefinitions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The YAML document. */
  public static final class Document {
    public Double threshold;
    public LinkedHashMap<String, ThemeEntry> themes;
    public List<RuleEntry> rules;
  }

  /** One theme. */
  public static final class ThemeEntry {
    public List<String> seeds;
    public String parent;
  }

  /** One rule: exactly one of host, path_prefix, regex; and the theme. */
  public static final class RuleEntry {
    public String host;
    @JsonProperty("path_prefix")
    public String pathPrefix;
    public String regex;
    public String theme;
  }

  /** A theme with its folded seed words. */
  public record Theme(String name, List<String> seeds, String parent) implements Serializable {
  }

  /** A rule; {@link #matches} looks at the URL without its scheme ({@code host/path?query}). */
  public record Rule(String kind, String value, String theme, Pattern pattern) implements Serializable {
    public boolean matches(String host, String path, String url) {
      return switch (kind) {
        case "host" -> host.equalsIgnoreCase(value);
        case "path_prefix" -> path.startsWith(value);
        default -> pattern.matcher(url).find();
      };
    }

    public String describe() {
      return kind + " " + value + " -> " + theme;
    }
  }

  private final double threshold;
  private final List<Theme> themes;
  private final List<Rule> rules;
  private final String version;

  private ThemeDefinitions(Document d, String origin, byte[] content) {
    if (d == null) {
      throw new UserException(origin + " is empty");
    }
    threshold = d.threshold == null ? 0.35 : d.threshold;
    if (threshold < -1 || threshold > 1) {
      throw new UserException(origin + ": threshold " + threshold + " is not a cosine similarity (-1..1)");
    }
    if (d.themes == null || d.themes.isEmpty()) {
      throw new UserException(origin + ": no themes");
    }
    List<Theme> defined = new ArrayList<>();
    for (Map.Entry<String, ThemeEntry> entry : d.themes.entrySet()) {
      String name = entry.getKey();
      ThemeEntry theme = entry.getValue();
      if (name.equals("unknown")) {
        throw new UserException(origin + ": 'unknown' is what a URL gets below the threshold, not a theme name");
      }
      if (theme == null || theme.seeds == null || theme.seeds.isEmpty()) {
        throw new UserException(origin + ": theme '" + name + "' has no seed words");
      }
      List<String> seeds = new ArrayList<>();
      for (String seed : theme.seeds) {
        if (seed == null || seed.isBlank()) {
          throw new UserException(origin + ": theme '" + name + "' has an empty seed word");
        }
        seeds.add(fold(seed));
      }
      defined.add(new Theme(name, List.copyOf(seeds), theme.parent));
    }
    themes = List.copyOf(defined);
    List<Rule> parsed = new ArrayList<>();
    if (d.rules != null) {
      for (int i = 0; i < d.rules.size(); i++) {
        parsed.add(rule(d.rules.get(i), i + 1, origin));
      }
    }
    rules = List.copyOf(parsed);
    version = "def-" + HexFormat.of().formatHex(sha256(content)).substring(0, 8);
  }

  private Rule rule(RuleEntry r, int number, String origin) {
    String where = origin + ": rule " + number;
    if (r == null) {
      throw new UserException(where + " is empty");
    }
    int kinds = (r.host == null ? 0 : 1) + (r.pathPrefix == null ? 0 : 1) + (r.regex == null ? 0 : 1);
    if (kinds != 1) {
      throw new UserException(where + " needs exactly one of host, path_prefix, regex");
    }
    if (r.theme == null || themes.stream().noneMatch(t -> t.name().equals(r.theme))) {
      throw new UserException(where + " names theme '" + r.theme + "', which is not defined");
    }
    if (r.host != null) {
      return new Rule("host", r.host.toLowerCase(Locale.ROOT), r.theme, null);
    }
    if (r.pathPrefix != null) {
      return new Rule("path_prefix", r.pathPrefix, r.theme, null);
    }
    try {
      return new Rule("regex", r.regex, r.theme, Pattern.compile(r.regex));
    } catch (PatternSyntaxException e) {
      throw new UserException(where + ": bad regex '" + r.regex + "': " + e.getDescription(), e);
    }
  }

  /** The shipped definitions. */
  public static ThemeDefinitions defaults() {
    try (InputStream in = ThemeDefinitions.class.getResourceAsStream("default-themes.yaml")) {
      byte[] content = in.readAllBytes();
      return parse(content, "default-themes.yaml");
    } catch (IOException e) {
      throw new IllegalStateException("default-themes.yaml is broken", e);
    }
  }

  /** An analyst's file. */
  public static ThemeDefinitions load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserException("theme definitions " + file + " do not exist");
    }
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UserException(file + ": " + e.getMessage(), e);
    }
  }

  static ThemeDefinitions parse(byte[] content, String origin) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      return new ThemeDefinitions(mapper.readValue(content, Document.class), origin, content);
    } catch (UnrecognizedPropertyException e) {
      throw new UserException(origin + ": unknown key '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds()
          + ")", e);
    } catch (IOException e) {
      throw new UserException(origin + ": " + e.getMessage().lines().findFirst().orElse("unreadable"), e);
    }
  }

  /** Lower case, accents removed: how tokens are written. */
  static String fold(String word) {
    return Normalizer.normalize(word.trim(), Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public double threshold() {
    return threshold;
  }

  public List<Theme> themes() {
    return themes;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** A hash of the file's bytes: assignments made with other definitions are redone. */
  public String version() {
    return version;
  }
}
