package io.trailcast.core.cassandra;

import java.nio.file.Path;

/**
 * How to run one embedded node.
 *
 * @param dataDir everything the node writes: data, commit log, its yaml, logs, pid file
 * @param nativePort CQL port
 * @param storagePort inter-node port (bound even by a single node)
 * @param heapMb max heap of the node's JVM
 * @param parentPid when set, the node exits once this process is gone (tests, owned nodes); such a
 *     node is throwaway, so its system tables skip fsync (schema changes several times faster)
 */
public record NodeSpec(Path dataDir, int nativePort, int storagePort, int heapMb, Long parentPid) {
  public static final String HOST = "127.0.0.1";

  /** The node {@code bin/trailcast} manages: var/cassandra, default ports, outlives the command. */
  public static NodeSpec local(Path varDir) {
    return new NodeSpec(varDir.resolve("cassandra").toAbsolutePath(), CassandraTarget.DEFAULT_PORT, 7000, 1024, null);
  }

  public Path pidFile() {
    return dataDir.resolve("cassandra.pid");
  }

  public Path logDir() {
    return dataDir.resolve("logs");
  }

  public Path confDir() {
    return dataDir.resolve("conf");
  }
}
