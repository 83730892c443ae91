package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.cassandra.SchemaMigrator;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.core.testing.TestCassandra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job jar, launched the way spark-submit launches it, runs its jobs against the cluster. */
class SparkSubmitIT {
  @TempDir
  Path tmp;

  @Test
  void jobJarRunsUnderSparkSubmit() throws Exception {
    CassandraTarget target = TestCassandra.keyspaceFor(SparkSubmitIT.class);
    Simulator.Summary simulated = new Simulator(new SimulationConfig(40, 1, LocalDate.of(2026, 1, 5), 5,
        LogFormat.JSONL, 0.02, true, ZoneId.of("UTC"), tmp)).run();
    Path salt = Files.writeString(tmp.resolve("salt"), "a-secret-salt");

    String ingest = sparkSubmit("ingest", "--input", tmp.resolve("logs").toString(), "--salt-file", salt.toString(),
        "--cassandra", target.hosts().get(0), "--keyspace", target.keyspace());
    assertTrue(ingest.contains(String.format("read %,d lines: %,d written", simulated.lines(), simulated.events())),
        ingest);

    String aggregate = sparkSubmit("aggregate", "--from", "2026-01-05", "--cassandra", target.hosts().get(0),
        "--keyspace", target.keyspace());
    assertTrue(aggregate.contains(String.format("%,d sessions (%,d bot)", simulated.sessions(),
        simulated.sessions() - simulated.humanSessions())), aggregate + " vs " + simulated);
    List<String> sessions = sparkSubmit("metrics", "sessions", "--from", "2026-01-05", "--cassandra",
        target.hosts().get(0), "--keyspace", target.keyspace(), "--format", "csv").lines().toList();
    assertEquals("day,site,sessions,users,sessions_with_pageview,pageviews,bounces,bounce_rate,engaged_sessions,"
        + "engaged_bounce_rate,avg_depth,avg_duration_ms,conversions,conversion_rate,searches,bot_sessions,"
        + "end_reasons", sessions.get(0));
    assertEquals(2, sessions.size(), "one site, one day: " + sessions);
    String[] day = sessions.get(1).split(",");
    assertEquals(List.of("2026-01-05", "trailmag"), List.of(day[0], day[1]), "the site the JSON events name");
    assertEquals(simulated.humanSessions(), Long.parseLong(day[2]), sessions.get(1));

    // What the jobs wrote, counted by CQL (a fourth spark-submit would only cost time).
    try (CqlSession cql = CqlSessions.open(target)) {
      assertEquals(simulated.events(), cql.execute("SELECT count(*) FROM events_by_user").one().getLong(0));
      assertEquals(simulated.corruptLines(), cql.execute("SELECT count(*) FROM quarantine").one().getLong(0));
      assertEquals(SchemaMigrator.migrations().size(), cql.execute("SELECT count(*) FROM schema_migrations").one()
          .getLong(0));
    }
  }

  /** Runs {@code spark-submit --class io.trailcast.deploy.Main trailcast-jobs.jar ARGS}; returns stdout. */
  private static String sparkSubmit(String... args) throws Exception {
    Path jar = Path.of(System.getProperty("trailcast.jobs.jar"));
    String sparkClasspath = Files.readString(Path.of(System.getProperty("trailcast.spark.classpath.file"))).trim();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(System.getProperty("trailcast.jvm.flags").trim().split("\\s+")));
    // A child that lives half a minute: the client compiler alone costs it less CPU than it saves.
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(List.of("-Xmx1g", "-cp", sparkClasspath, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--class", "io.trailcast.deploy.Main", jar.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, process.exitValue(), out);
    return out;
  }
}
