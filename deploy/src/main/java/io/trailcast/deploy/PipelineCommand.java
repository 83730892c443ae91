package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.cassandra.SchemaMigrator;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast pipeline --date D --input PATH...}: the scheduled daily run, every stage in order. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "The scheduled daily run: every stage that exists, in order, for one day.")
public final class PipelineCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--date", required = true, paramLabel = "D", description = "The day to process (yyyy-MM-dd).")
  LocalDate date;

  @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
      description = "Raw log files or folders of that day.")
  List<String> inputs;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CassandraTarget target = cluster.target();
    try (CqlSession session = CqlSessions.open(target)) {
      SchemaMigrator.requireCurrent(session, target.keyspace());
    }
    out.println("[schema] keyspace " + target.keyspace() + " is up to date");
    out.flush();
    return 0;
  }
}
