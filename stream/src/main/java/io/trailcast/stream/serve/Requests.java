package io.trailcast.stream.serve;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a request names, taken apart and checked: a bad part is a 400 {@link ServeException} saying which. */
final class Requests {
  /** Longest user id or site name taken, in characters. */
  static final int MAX_ID = 200;
  /** Longest landing page URL taken, in characters. */
  static final int MAX_URL = 2048;

  private Requests() {
  }

  /**
   * The parameters of a raw query string, form-decoded ({@code +} is a space), each given at most
   * once and each one of {@code known}.
   */
  static Map<String, String> parameters(String rawQuery, Set<String> known) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
      if (!known.contains(name)) {
        List<String> names = new ArrayList<>(known);
        names.sort(null);
        throw ServeException.badRequest("unknown parameter '" + shorten(name) + "' ("
            + (names.isEmpty() ? "this endpoint takes none" : "known: " + String.join(", ", names)) + ")");
      }
      if (out.put(name, value) != null) {
        throw ServeException.badRequest("parameter " + name + " given twice");
      }
    }
    return out;
  }

  /**
   * Percent-decodes a raw path segment or query part as UTF-8 ({@code +} as a space in a query):
   * a malformed escape or bytes that are not UTF-8 are a bad request. The JDK server hands over
   * the request line as ISO-8859-1, so an unescaped character up to U+00FF is the byte it was sent as.
   */
  static String decode(String raw, boolean plusIsSpace) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw ServeException.badRequest("malformed percent-encoding in '" + shorten(raw) + "'");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else if (c <= 0xFF) {
        bytes.write(c);
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw ServeException.badRequest("'" + shorten(raw) + "' is not UTF-8 once percent-decoded");
    }
  }

  /** A user id, site or URL as taken: not empty, at most {@code max} characters, no control character. */
  static void checkName(String value, String what, int max) {
    if (value.isEmpty()) {
      throw ServeException.badRequest("empty " + what);
    }
    if (value.length() > max) {
      throw ServeException.badRequest(what + " longer than " + max + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw ServeException.badRequest(what + " holds a control character (U+"
            + String.format("%04X", (int) value.charAt(i)) + ")");
      }
    }
  }

  /** A text cut to 100 characters, for an error message. */
  static String shorten(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }
}
