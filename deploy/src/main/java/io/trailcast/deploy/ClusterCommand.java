package io.trailcast.deploy;

import io.trailcast.core.TrailcastHome;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.EmbeddedCassandra;
import io.trailcast.core.cassandra.LocalNode;
import io.trailcast.core.cluster.LocalCluster;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trailcast cluster start|stop|status}: a Spark standalone cluster and a Cassandra cluster on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {
        "Manage a local cluster from the project's own jars (data and logs under var/cluster/): a Spark "
            + "standalone master (spark://127.0.0.1:7077, UI on 8080) with workers of one core each, and "
            + "Cassandra nodes on 127.0.0.1, 127.0.0.2, ... (port 9042, JMX on 7201, 7202, ...). Jobs reach it "
            + "with spark-submit --master spark://127.0.0.1:7077 ... --cassandra 127.0.0.1,127.0.0.2,127.0.0.3; "
            + "create the keyspace with schema apply --replication simple:3.",
        "Its first node takes 127.0.0.1:9042, the embedded node's address: stop that one first "
            + "(bin/trailcast cassandra stop)."},
    subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class,
        ClusterCommand.Repair.class})
public final class ClusterCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The cluster's size, the same for start, stop and status. */
  static final class Size {
    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
        description = "Spark workers, one core each (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--cassandra-nodes", paramLabel = "N", defaultValue = "3",
        description = "Cassandra nodes, on 127.0.0.1 up to 127.0.0.N (default: ${DEFAULT-VALUE}).")
    int nodes;

    LocalCluster.Spec spec() {
      return LocalCluster.Spec.local(TrailcastHome.varDir(), nodes, workers, TrailcastHome.sparkClasspathFile());
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start what is down (all of it the first time) and wait until the master has every worker "
          + "and every node is up in the ring; then print the status.")
  static final class Start implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Size size;

    @Override
    public Integer call() {
      if (EmbeddedCassandra.status(LocalNode.spec().dataDir()).isPresent()) {
        throw new UserException("the embedded node runs on 127.0.0.1:9042, the cluster's first node's address; "
            + "stop it first: bin/trailcast cassandra stop");
      }
      LocalCluster.Status status = LocalCluster.start(size.spec());
      status.lines().forEach(spec.commandLine().getOut()::println);
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop the workers, the master and the nodes (each drains; killed after a timeout).")
  static final class Stop implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Size size;

    @Override
    public Integer call() {
      LocalCluster.stop(size.spec());
      spec.commandLine().getOut().println("cluster stopped");
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Print the master's spark:// URL, each worker and each node with its address and pid; exit 3 "
          + "if any part is down.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Size size;

    @Override
    public Integer call() {
      LocalCluster.Status status = LocalCluster.status(size.spec());
      PrintWriter out = spec.commandLine().getOut();
      status.lines().forEach(out::println);
      return status.complete() ? 0 : 3;
    }
  }

  @Command(name = "repair", mixinStandardHelpOptions = true,
      description = "Full repair of a keyspace (nodetool repair -full -pr on each node in turn, over JMX): what a "
          + "node missed while it was down, beyond its hints, copied to it; and after schema apply changed the "
          + "replication, the rows written before on their new replicas.")
  static final class Repair implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Size size;

    @Option(names = "--keyspace", paramLabel = "K", required = true, description = "The keyspace to repair.")
    String keyspace;

    @Override
    public Integer call() {
      double seconds = LocalCluster.repair(size.spec(), keyspace);
      spec.commandLine().getOut().printf(java.util.Locale.ROOT, "keyspace %s repaired on %d nodes in %.1f s%n",
          keyspace, size.nodes, seconds);
      return 0;
    }
  }
}
