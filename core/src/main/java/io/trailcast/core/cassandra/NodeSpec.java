package io.trailcast.core.cassandra;

import java.nio.file.Path;

/**
 * How to run one embedded node.
 *
 * @param dataDir everything the node writes: data, commit log, its yaml, logs, pid file
 * @param host the address it listens on (a cluster's nodes are 127.0.0.1, 127.0.0.2, ... on one machine)
 * @param nativePort CQL port
 * @param storagePort inter-node port (bound even by a single node)
 * @param jmxPort local JMX port for nodetool (flush, repair); 0 for none
 * @param seeds the cluster's seeds as {@code host:storagePort,...}; a single node is its own seed
 * @param clusterNodes how many nodes its cluster has (1: a single node)
 * @param heapMb max heap of the node's JVM
 * @param parentPid when set, the node exits once this process is gone (tests, owned nodes); such a
 *     node is throwaway, so its system tables skip fsync (schema changes several times faster)
 */
public record NodeSpec(Path dataDir, String host, int nativePort, int storagePort, int jmxPort, String seeds,
    int clusterNodes, int heapMb, Long parentPid) {
  public static final String HOST = "127.0.0.1";

  /** A single node on 127.0.0.1, its own seed, without JMX. */
  public NodeSpec(Path dataDir, int nativePort, int storagePort, int heapMb, Long parentPid) {
    this(dataDir, HOST, nativePort, storagePort, 0, HOST + ":" + storagePort, 1, heapMb, parentPid);
  }

  /** The node {@code bin/trailcast} manages: var/cassandra, default ports, outlives the command. */
  public static NodeSpec local(Path varDir) {
    return new NodeSpec(varDir.resolve("cassandra").toAbsolutePath(), HOST, CassandraTarget.DEFAULT_PORT, 7000,
        7199, HOST + ":7000", 1, 1024, null);
  }

  public boolean inCluster() {
    return clusterNodes > 1;
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
