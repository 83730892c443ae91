package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.SchemaMigrator;
import io.trailcast.core.testing.TestCassandra;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The command's contract: answers on stdout, one-line errors and non-zero exits for user mistakes. */
class CommandLineIT {
  private static CassandraTarget target;

  @BeforeAll
  static void keyspace() {
    target = TestCassandra.keyspaceFor(CommandLineIT.class);
  }

  private static CommandRun.Output run(String... args) {
    return CommandRun.apart(args);
  }

  private static String[] cluster(String... args) {
    return CommandRun.against(target, args);
  }

  @Test
  void queryPrintsRowsInEachFormat() {
    var csv = run(cluster("query", "SELECT release_version FROM system.local", "--format", "csv"));
    assertEquals(0, csv.code(), csv.err());
    assertEquals("release_version\n5.0.9\n", csv.out().replace(System.lineSeparator(), "\n"));
    var json = run(cluster("query", "SELECT version, file FROM schema_migrations WHERE version = '0001'", "--format",
        "json"));
    assertEquals("{\"version\":\"0001\",\"file\":\"0001_core_tables.cql\"}", json.out().strip());
  }

  @Test
  void schemaApplyIsANoOpTheSecondTime() {
    var again = run(cluster("schema", "apply"));
    assertEquals(0, again.code(), again.err());
    assertEquals("keyspace " + target.keyspace() + ": applied 0 migration(s) [], "
        + SchemaMigrator.migrations().size() + " already applied", again.out().strip());
  }

  @Test
  void userErrorsAreOneLineAndNonZero() {
    var badCql = run(cluster("query", "SELEC 1"));
    assertEquals(2, badCql.code());
    assertEquals(1, badCql.err().strip().lines().count(), badCql.err());
    var unknownFlag = run("query", "--bogus", "x");
    assertEquals(2, unknownFlag.code());
    assertEquals("trailcast: Unknown option: '--bogus' (see: trailcast query --help)", unknownFlag.err().strip());
    var unreachable = run("query", "SELECT 1", "--cassandra", "127.0.0.1:1");
    assertEquals(2, unreachable.code());
    assertEquals(1, unreachable.err().strip().lines().count(), unreachable.err());
    var missingKeyspace = run("query", "SELECT * FROM x", "--cassandra", target.hosts().get(0), "--keyspace", "nope");
    assertEquals("trailcast query: keyspace 'nope' does not exist at " + target.hosts().get(0)
        + ", keyspace nope; run: bin/trailcast schema apply", missingKeyspace.err().strip());
  }

  @Test
  void themesCommandsSayWhatIsMissing() {
    var noModel = run(cluster("themes", "assign", "--from", "2026-01-05"));
    assertEquals(2, noModel.code());
    assertEquals("trailcast themes assign: no word2vec model yet: run `bin/trailcast themes train` first",
        noModel.err().strip());
    var nothing = run(cluster("themes", "train"));
    assertEquals(2, nothing.code());
    assertEquals("trailcast themes train: nothing to train on: give --from/--to (navigation) and/or --corpus FILE, "
        + "or --vectors FILE", nothing.err().strip());
    var badLanguage = run(cluster("themes", "train", "--corpus", "x.txt", "--language", "de"));
    assertEquals("trailcast themes train: unknown language 'de': use en, fr, es or auto", badLanguage.err().strip());
  }

  @Test
  void streamSaysWhatIsWrongWithItsFlags() {
    var badSource = run(cluster("stream", "--source", "kafka:nowhere"));
    assertEquals(2, badSource.code());
    assertEquals("trailcast stream: bad --source 'kafka:nowhere': use kafka:HOST[:PORT]/TOPIC or dir:PATH",
        badSource.err().strip());
    var badWatermark = run(cluster("stream", "--source", "dir:/tmp/none", "--watermark", "soon"));
    assertEquals(2, badWatermark.code());
    assertEquals("trailcast stream: --watermark: bad duration 'soon'; use forms like 30m, 10m, 1h, 90s, 250ms",
        badWatermark.err().strip());
  }

  @Test
  void tablesCountsEveryTable() {
    var tables = run(cluster("tables", "--format", "csv"));
    assertEquals(0, tables.code(), tables.err());
    List<String> lines = tables.out().lines().toList();
    assertEquals("table,rows", lines.get(0));
    // Other tests of the class write to the keyspace: every table is listed with its count.
    assertTrue(lines.stream().anyMatch(l -> l.matches("events_by_user,\\d+")), tables.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("suppressed_identifiers,\\d+")), tables.out());
  }

  /**
   * One visitor's pages 15 and 25 minutes apart: three sessions with a 10-minute gap, one with the
   * site config's 30. The scheduled run given the flag cuts what the manual run cuts.
   */
  @Test
  void pipelineCutsTheSessionsAggregateCutsWithTheSameSessionFlags(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path tmp) throws java.io.IOException {
    String line = "198.51.100.77 - - [05/Jan/2026:%s +0000] \"GET /music/p%d HTTP/1.1\" 200 900 \"-\" "
        + "\"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\"";
    java.nio.file.Path log = java.nio.file.Files.write(tmp.resolve("gaps.log"), List.of(
        String.format(line, "10:00:00", 1), String.format(line, "10:15:00", 2), String.format(line, "10:40:00", 3)));
    String day = "2026-01-05";
    // A cluster given with --cassandra refuses the public default salt.
    String salt = java.nio.file.Files.writeString(tmp.resolve("salt"), "a-secret-salt").toString();
    var ingested = run(cluster("ingest", "--input", log.toString(), "--salt-file", salt));
    assertEquals(0, ingested.code(), ingested.err());
    var tenMinutes = run(cluster("aggregate", "--from", day, "--session-gap", "10m"));
    assertEquals(0, tenMinutes.code(), tenMinutes.err());
    List<String> manual = sessions();
    assertEquals(3, manual.size(), manual.toString());
    assertEquals(0, run(cluster("aggregate", "--from", day)).code());
    assertEquals(1, sessions().size(), "the site config's 30 minutes");
    var scheduled = run(cluster("pipeline", "--date", day, "--input", log.toString(), "--session-gap", "10m",
        "--salt-file", salt));
    assertEquals(0, scheduled.code(), scheduled.err());
    assertEquals(manual, sessions());
  }

  /** The visitor's sessions as start, end and depth (their ids carry the start). */
  private static List<String> sessions() {
    var rows = run(cluster("query", "SELECT session_start, session_end, depth FROM sessions_by_user", "--format",
        "csv"));
    assertEquals(0, rows.code(), rows.err());
    return rows.out().lines().skip(1).sorted().toList();
  }
}
