package io.trailcast.deploy;

import io.trailcast.core.cassandra.Replication;
import io.trailcast.core.cassandra.SchemaMigrator;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast schema apply}: the versioned CQL of deploy/cql, applied once each. */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = "Manage trailcast's tables (versioned CQL files under deploy/cql).",
    subcommands = {SchemaCommand.Apply.class})
public final class SchemaCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Create the keyspace if needed and apply every migration not applied yet (a no-op when "
          + "up to date); each is recorded in schema_migrations.")
  static final class Apply implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--replication", paramLabel = "SPEC",
        description = "Keyspace replication: simple:RF (SimpleStrategy) or DC:RF[,DC:RF...] "
            + "(NetworkTopologyStrategy). Required to create the keyspace on a cluster of several nodes; on a "
            + "single node it defaults to simple:1. Given for an existing keyspace with another replication, it "
            + "is changed (ALTER KEYSPACE; then run a full repair). More copies than nodes are refused.")
    String replication;

    @Override
    public Integer call() {
      SchemaMigrator.Result result = SchemaMigrator.apply(cluster.target(),
          replication == null ? null : Replication.parse(replication));
      PrintWriter out = spec.commandLine().getOut();
      if (result.replicationChange() != null) {
        out.println("keyspace " + result.keyspace() + ": replication changed " + result.replicationChange()
            + "; run a full repair on every node (nodetool repair -full " + result.keyspace()
            + ") so the new replicas get the rows written before");
      }
      out.println("keyspace " + result.keyspace() + ": applied " + result.applied().size() + " migration(s) "
          + result.applied() + ", " + result.alreadyApplied().size() + " already applied");
      return 0;
    }
  }
}
