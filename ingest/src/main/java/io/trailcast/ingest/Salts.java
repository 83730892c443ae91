package io.trailcast.ingest;

import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The secret salt of ip, login and user-id hashes: from {@code --salt-file}, else the
 * {@code TRAILCAST_SALT} environment variable, else the public default — which only the embedded
 * node accepts, since hashes salted with a public value can be reversed by brute force.
 */
public final class Salts {
  private Salts() {
  }

  public static String resolve(Path saltFile, CassandraTarget target) {
    String salt = null;
    if (saltFile != null) {
      try {
        salt = Files.readString(saltFile).trim();
      } catch (IOException e) {
        throw new UserException("cannot read --salt-file " + saltFile + ": " + e.getMessage(), e);
      }
      if (salt.isEmpty()) {
        throw new UserException("--salt-file " + saltFile + " is empty");
      }
    } else if (System.getenv("TRAILCAST_SALT") != null && !System.getenv("TRAILCAST_SALT").isBlank()) {
      salt = System.getenv("TRAILCAST_SALT").trim();
    }
    if (salt == null) {
      if (!target.isEmbedded()) {
        throw new UserException("refusing to hash addresses and logins with the public default salt on "
            + target.describe() + ": set TRAILCAST_SALT or give --salt-file");
      }
      return IngestConfig.DEFAULT_SALT;
    }
    return salt;
  }
}
