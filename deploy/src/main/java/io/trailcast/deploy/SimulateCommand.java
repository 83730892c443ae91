package io.trailcast.deploy;

import io.trailcast.core.UserException;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trailcast simulate}: raw logs of a simulated site plus the truth behind them. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Write the raw logs of simulated visitors (one file per day under OUT/logs), a CRM extract "
        + "(OUT/crm.csv) and the truth behind them (OUT/truth; see docs/simulator.md). Same seed, same bytes.")
public final class SimulateCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--persons", paramLabel = "N", defaultValue = "1000",
      description = "Human visitors (bots come on top). Default: ${DEFAULT-VALUE}.")
  int persons;

  @Option(names = "--days", paramLabel = "D", defaultValue = "7",
      description = "Days of traffic. Default: ${DEFAULT-VALUE}.")
  int days;

  @Option(names = "--start", paramLabel = "DATE", defaultValue = "2026-01-05",
      description = "First day (yyyy-MM-dd). Default: ${DEFAULT-VALUE}.")
  LocalDate start;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
      description = "Random seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder.")
  Path out;

  @Option(names = "--format", paramLabel = "F", defaultValue = "combined",
      description = "combined, w3c or jsonl. Default: ${DEFAULT-VALUE}.")
  LogFormat format;

  @Option(names = "--corrupt", paramLabel = "SHARE", defaultValue = "0",
      description = "Share of corrupt lines (truncated, binary, UTF-16, impossible dates, 200 KB lines). "
          + "Default: ${DEFAULT-VALUE}.")
  double corrupt;

  @Option(names = "--gzip", description = "Gzip the log files and truth/events.csv.")
  boolean gzip;

  @Option(names = "--timezone", paramLabel = "TZ", defaultValue = "UTC",
      description = "Site time zone: log times carry its offset; sessions split at its midnight. "
          + "Default: ${DEFAULT-VALUE}.")
  String timezone;

  @Override
  public Integer call() {
    ZoneId zone;
    try {
      zone = ZoneId.of(timezone);
    } catch (DateTimeException e) {
      throw new UserException("unknown --timezone '" + timezone + "' (use a region id such as Europe/Paris)", e);
    }
    long started = System.nanoTime();
    Simulator.Summary summary = new Simulator(new SimulationConfig(persons, days, start, seed, format, corrupt, gzip,
        zone, out.toAbsolutePath())).run();
    double seconds = (System.nanoTime() - started) / 1e9;
    PrintWriter console = spec.commandLine().getOut();
    console.printf(Locale.ROOT, "simulated %,d lines (%,d corrupt, %,d from bots) in %d files, %,d sessions "
            + "(%,d human, %,d converted), Bayes AUC %.3f, in %.1f s (%,.0f lines/s)%n",
        summary.lines(), summary.corruptLines(), summary.botEvents(), summary.logs().size(), summary.sessions(),
        summary.humanSessions(), summary.conversions(), summary.bayesAuc(), seconds, summary.lines() / seconds);
    console.println("logs in " + out.resolve("logs") + ", truth in " + out.resolve("truth") + ", CRM extract "
        + out.resolve("crm.csv"));
    console.flush();
    return 0;
  }
}
