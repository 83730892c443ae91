package io.trailcast.deploy;

import io.trailcast.core.UserException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trailcast} command and the job jar's entry point: {@code bin/trailcast ARGS} and
 * {@code spark-submit --class io.trailcast.deploy.Main trailcast-jobs.jar ARGS} run the same code.
 */
@Command(name = "trailcast", mixinStandardHelpOptions = true, version = "trailcast 0.1.0",
    description = "Clickstream analytics on Spark and Cassandra: raw web logs in, sessions, bounce, CTR, "
        + "themes, segments and conversion scores out.",
    subcommands = {
        DemoCommand.class,
        PipelineCommand.class,
        SimulateCommand.class,
        IngestCommand.class,
        AggregateCommand.class,
        MetricsCommand.class,
        ReportCommand.class,
        QualityCommand.class,
        BackfillCommand.class,
        CassandraCommand.class,
        ClusterCommand.class,
        KafkaCommand.class,
        SchemaCommand.class,
        QueryCommand.class,
        NotebookCommand.class,
        TablesCommand.class,
        ThemesCommand.class,
        IdentitiesCommand.class,
        SegmentsCommand.class,
        ModelCommand.class,
        ScoreCommand.class,
        StreamCommand.class,
        CollectCommand.class,
        ServeCommand.class,
        ForgetCommand.class,
        BotsCommand.class,
        ExperimentsCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  public static void main(String[] args) {
    int code = run(args);
    // Spark and driver threads must not keep the JVM alive after the command is done.
    System.exit(code);
  }

  static int run(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    CommandLine cli = parser();
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (verbose) {
        error.printStackTrace(err);
      }
      err.println(commandLine.getCommandSpec().qualifiedName() + ": " + oneLine(error));
      err.flush();
      return error instanceof UserException ? 2 : 1;
    });
    cli.setParameterExceptionHandler((error, ignoredArgs) -> {
      CommandLine command = error.getCommandLine();
      PrintWriter err = command.getErr();
      String help = command.getCommandSpec().qualifiedName() + " --help";
      err.println("trailcast: " + error.getMessage() + " (see: " + help + ")");
      err.flush();
      return 2;
    });
    return cli.execute(args);
  }

  /** The command line as {@link #run} reads it (the schedule files' test parses with it too). */
  static CommandLine parser() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** A user error's own message; for anything else, its type and message, root cause first. */
  static String oneLine(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof UserException) {
        return t.getMessage();
      }
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
    return root.getClass().getSimpleName() + message + " (run with --verbose for details)";
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
