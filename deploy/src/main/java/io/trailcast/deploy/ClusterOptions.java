package io.trailcast.deploy;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.LocalNode;
import io.trailcast.core.cassandra.Store;
import picocli.CommandLine.Option;

/** {@code --cassandra} and {@code --keyspace}, taken by every command that touches the store. */
public final class ClusterOptions {
  @Option(names = "--cassandra", paramLabel = "HOSTS",
      description = "Cassandra contact points host1,host2[:port]; default: the embedded node on 127.0.0.1:9042 "
          + "(started if needed).")
  String hosts;

  @Option(names = "--keyspace", paramLabel = "K", defaultValue = CassandraTarget.DEFAULT_KEYSPACE,
      description = "Keyspace holding trailcast's tables (default: ${DEFAULT-VALUE}).")
  String keyspace;

  @Option(names = "--local-dc", paramLabel = "DC", defaultValue = CassandraTarget.DEFAULT_DC,
      description = "Data centre the driver routes to (default: ${DEFAULT-VALUE}).")
  String localDc;

  @Option(names = "--consistency", paramLabel = "LEVEL", defaultValue = CassandraTarget.DEFAULT_CONSISTENCY,
      description = "Consistency level of every write and of the reads that decide results (stored sessions "
          + "compared, identities, lookups, metrics): ONE, LOCAL_ONE, QUORUM, LOCAL_QUORUM, EACH_QUORUM or ALL "
          + "(default: ${DEFAULT-VALUE}: a majority of the local replicas, so reads see every acknowledged write "
          + "and one node of three may be down).")
  String consistency;

  /** The target, with the embedded node started if it is the one meant. */
  public CassandraTarget target() {
    CassandraTarget target = CassandraTarget.parse(hosts, keyspace, localDc).withConsistency(consistency);
    LocalNode.ensureRunning(target);
    return target;
  }

  /** The command's one store (session and schema check) for every job it runs; the caller closes it. */
  public Store store() {
    return Store.open(target());
  }
}
