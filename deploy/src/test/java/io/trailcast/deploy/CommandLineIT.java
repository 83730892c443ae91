package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.SchemaMigrator;
import io.trailcast.core.testing.TestCassandra;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

  private record Run(int code, String out, String err) {
  }

  private static Run run(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  private static String[] cluster(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--cassandra";
    all[args.length + 1] = target.hosts().get(0);
    all[args.length + 2] = "--keyspace";
    all[args.length + 3] = target.keyspace();
    return all;
  }

  @Test
  void queryPrintsRowsInEachFormat() {
    Run csv = run(cluster("query", "SELECT release_version FROM system.local", "--format", "csv"));
    assertEquals(0, csv.code(), csv.err());
    assertEquals("release_version\n5.0.9\n", csv.out().replace(System.lineSeparator(), "\n"));
    Run json = run(cluster("query", "SELECT version, file FROM schema_migrations WHERE version = '0001'", "--format",
        "json"));
    assertEquals("{\"version\":\"0001\",\"file\":\"0001_core_tables.cql\"}", json.out().strip());
  }

  @Test
  void schemaApplyIsANoOpTheSecondTime() {
    Run again = run(cluster("schema", "apply"));
    assertEquals(0, again.code(), again.err());
    assertEquals("keyspace " + target.keyspace() + ": applied 0 migration(s) [], "
        + SchemaMigrator.migrations().size() + " already applied", again.out().strip());
  }

  @Test
  void userErrorsAreOneLineAndNonZero() {
    Run badCql = run(cluster("query", "SELEC 1"));
    assertEquals(2, badCql.code());
    assertEquals(1, badCql.err().strip().lines().count(), badCql.err());
    Run unknownFlag = run("query", "--bogus", "x");
    assertEquals(2, unknownFlag.code());
    assertEquals("trailcast: Unknown option: '--bogus' (see: trailcast query --help)", unknownFlag.err().strip());
    Run unreachable = run("query", "SELECT 1", "--cassandra", "127.0.0.1:1");
    assertEquals(2, unreachable.code());
    assertEquals(1, unreachable.err().strip().lines().count(), unreachable.err());
    Run missingKeyspace = run("query", "SELECT * FROM x", "--cassandra", target.hosts().get(0), "--keyspace", "nope");
    assertEquals("trailcast query: keyspace 'nope' does not exist at " + target.hosts().get(0)
        + ", keyspace nope; run: bin/trailcast schema apply", missingKeyspace.err().strip());
  }

  @Test
  void themesCommandsSayWhatIsMissing() {
    Run noModel = run(cluster("themes", "assign", "--from", "2026-01-05"));
    assertEquals(2, noModel.code());
    assertEquals("trailcast themes assign: no word2vec model yet: run `bin/trailcast themes train` first",
        noModel.err().strip());
    Run nothing = run(cluster("themes", "train"));
    assertEquals(2, nothing.code());
    assertEquals("trailcast themes train: nothing to train on: give --from/--to (navigation) and/or --corpus FILE, "
        + "or --vectors FILE", nothing.err().strip());
    Run badLanguage = run(cluster("themes", "train", "--corpus", "x.txt", "--language", "de"));
    assertEquals("trailcast themes train: unknown language 'de': use en, fr, es or auto", badLanguage.err().strip());
  }

  @Test
  void streamSaysWhatIsWrongWithItsFlags() {
    Run badSource = run(cluster("stream", "--source", "kafka:nowhere"));
    assertEquals(2, badSource.code());
    assertEquals("trailcast stream: bad --source 'kafka:nowhere': use kafka:HOST[:PORT]/TOPIC or dir:PATH",
        badSource.err().strip());
    Run badWatermark = run(cluster("stream", "--source", "dir:/tmp/none", "--watermark", "soon"));
    assertEquals(2, badWatermark.code());
    assertEquals("trailcast stream: --watermark: bad duration 'soon'; use forms like 30m, 10m, 1h, 90s, 250ms",
        badWatermark.err().strip());
  }

  @Test
  void tablesCountsEveryTable() {
    Run tables = run(cluster("tables", "--format", "csv"));
    assertEquals(0, tables.code(), tables.err());
    List<String> lines = tables.out().lines().toList();
    assertEquals("table,rows", lines.get(0));
    assertTrue(lines.contains("events_by_user,0"), tables.out());
    assertTrue(lines.contains("live_page_metrics,0"), tables.out());
  }
}
