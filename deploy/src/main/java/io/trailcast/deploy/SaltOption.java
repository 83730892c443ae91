package io.trailcast.deploy;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.ingest.Salts;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --salt-file}, declared once for every command that hashes or must meet hashes (ingest,
 * stream, identities, forget, the evaluations against the simulator's truth): they all need the one
 * salt a keyspace was written with, which the keyspace's fingerprint then checks.
 */
final class SaltOption {
  @Option(names = "--salt-file", paramLabel = "FILE",
      description = "File holding the secret salt of address, login, session and cookie hashes (else "
          + "$TRAILCAST_SALT; the public default salt is accepted only by the embedded node). The keyspace "
          + "refuses another salt than the one it was written with.")
  Path saltFile;

  String resolve(CassandraTarget target) {
    return Salts.resolve(saltFile, target);
  }
}
