package io.trailcast.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** YAML files users edit, read into plain classes: every problem is one line naming the file. */
public final class YamlFiles {
  private YamlFiles() {
  }

  /** {@code file} as {@code type}; unknown keys fail with the key's name and the known ones. */
  public static <T> T read(Path file, Class<T> type, String what) {
    if (!Files.isRegularFile(file)) {
      throw new UserException(what + " " + file + " does not exist");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, type, file.toString());
    } catch (IOException e) {
      throw new UserException(file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"), e);
    }
  }

  /** A resource shipped beside {@code anchor}; a broken one is a bug, not a user error. */
  public static <T> T resource(Class<?> anchor, String name, Class<T> type) {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + name + " beside " + anchor.getName());
      }
      return parse(in, type, name);
    } catch (IOException e) {
      throw new IllegalStateException(name + " is broken", e);
    }
  }

  private static <T> T parse(InputStream in, Class<T> type, String origin) throws IOException {
    try {
      T document = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(in, type);
      if (document == null) {
        throw new UserException(origin + " is empty");
      }
      return document;
    } catch (UnrecognizedPropertyException e) {
      throw new UserException(origin + ": unknown key '" + e.getPropertyName() + "' (known: "
          + e.getKnownPropertyIds() + ")", e);
    }
  }
}
