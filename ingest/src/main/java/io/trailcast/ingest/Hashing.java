package io.trailcast.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Salted SHA-256, cut to 128 bits: ids that cannot be turned back into addresses or emails. */
public final class Hashing {
  private Hashing() {
  }

  public static String salted(String salt, String value) {
    return hex(digest(salt + "\u0000" + value));
  }

  /** The unsalted hash of a raw line: a deterministic event id. */
  public static String of(byte[] bytes) {
    return hex(sha256().digest(bytes));
  }

  private static byte[] digest(String text) {
    return sha256().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash, 0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
