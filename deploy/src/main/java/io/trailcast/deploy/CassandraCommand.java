package io.trailcast.deploy;

import io.trailcast.core.cassandra.EmbeddedCassandra;
import io.trailcast.core.cassandra.LocalNode;
import io.trailcast.core.cassandra.NodeSpec;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trailcast cassandra start|stop|status}: the embedded node of this checkout (data in var/). */
@Command(name = "cassandra", mixinStandardHelpOptions = true,
    description = "Manage the embedded Cassandra node (127.0.0.1:9042, data and log under var/cassandra).",
    subcommands = {CassandraCommand.Start.class, CassandraCommand.Stop.class, CassandraCommand.Status.class})
public final class CassandraCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start the node (or reuse the running one) and wait until it accepts CQL connections.")
  static final class Start implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      EmbeddedCassandra.Status status = EmbeddedCassandra.start(LocalNode.spec());
      spec.commandLine().getOut().println(status.describe());
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop the node: it drains and flushes, then exits (killed after 60 s).")
  static final class Stop implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      NodeSpec node = LocalNode.spec();
      boolean stopped = EmbeddedCassandra.stop(node.dataDir());
      spec.commandLine().getOut().println(stopped ? "Cassandra stopped" : "Cassandra was not running");
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Say whether the node runs, where it listens and where its data and log are; exit 3 if stopped.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      NodeSpec node = LocalNode.spec();
      Optional<EmbeddedCassandra.Status> status = EmbeddedCassandra.status(node.dataDir());
      PrintWriter out = spec.commandLine().getOut();
      if (status.isEmpty()) {
        out.println("Cassandra not running (data in " + node.dataDir() + ")");
        return 3;
      }
      out.println(status.get().describe());
      return 0;
    }
  }
}
