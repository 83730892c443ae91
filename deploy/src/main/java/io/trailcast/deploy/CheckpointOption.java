package io.trailcast.deploy;

import io.trailcast.core.TrailcastHome;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.stream.StreamSource;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import picocli.CommandLine.Option;

/**
 * {@code --checkpoint}, declared once for the commands that run the streaming job: {@code stream} and the
 * daily {@code pipeline}'s catch-up of its {@code --stream-source}. Both find the same default checkpoint
 * for a keyspace and source, so either goes on where the other stopped.
 */
final class CheckpointOption {
  @Option(names = "--checkpoint", paramLabel = "DIR",
      description = "Checkpoint folder of the streaming job (any file system Spark writes; with a cluster's "
          + "master, a folder every node shares, given as a URI: file:///shared/..., hdfs://...). Default: "
          + "var/stream/<keyspace>-<source id> under the checkout.")
  String checkpoint;

  String resolve(CassandraTarget target, StreamSource source) {
    return checkpoint != null ? checkpoint : defaultFor(target, source);
  }

  static String defaultFor(CassandraTarget target, StreamSource source) {
    String id = UUID.nameUUIDFromBytes(source.describe().getBytes(StandardCharsets.UTF_8)).toString()
        .substring(0, 8);
    return TrailcastHome.varDir().resolve("stream").resolve(target.keyspace() + "-" + id).toString();
  }
}
