package io.trailcast.core.cassandra;

import io.trailcast.core.TrailcastHome;

/** The embedded node a local installation uses when no {@code --cassandra} is given. */
public final class LocalNode {
  private LocalNode() {
  }

  public static NodeSpec spec() {
    return NodeSpec.local(TrailcastHome.varDir());
  }

  /** Starts the local node if the target is the embedded one and it is not running yet. */
  public static void ensureRunning(CassandraTarget target) {
    if (target.isEmbedded()) {
      EmbeddedCassandra.start(spec());
    }
  }
}
