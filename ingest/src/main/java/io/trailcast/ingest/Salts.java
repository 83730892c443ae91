package io.trailcast.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

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

  /**
   * Refuses a salt other than the one the keyspace's ids were hashed with (the first run that hashes
   * anything stores its fingerprint): another salt would write every event again under new user ids.
   * The fingerprint is itself a salted hash, so it tells nothing of the salt.
   */
  public static void requireSameSalt(CqlSession session, String keyspace, String salt) {
    String fingerprint = Hashing.salted(salt, "trailcast salt fingerprint");
    Row row = session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace + ".keyspace_settings (name, "
        + "value, set_at) VALUES ('salt_fingerprint', ?, ?) IF NOT EXISTS", fingerprint, Instant.now())
        // Sent again on a timeout (ReplicaDownRetryPolicy): a second try finds the first one's row, the same value.
        .setIdempotent(true)).one();
    if (row != null && !row.getBoolean("[applied]") && !fingerprint.equals(row.getString("value"))) {
      throw new UserException("keyspace " + keyspace + " was hashed with another salt (fingerprint "
          + row.getString("value").substring(0, 8) + ", this run's " + fingerprint.substring(0, 8) + "): give the "
          + "salt it was written with (--salt-file or TRAILCAST_SALT), or a new keyspace");
    }
  }
}
