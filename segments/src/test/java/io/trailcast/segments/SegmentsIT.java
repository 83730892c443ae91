package io.trailcast.segments;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.aggregate.identity.IdentityGraph;
import io.trailcast.aggregate.identity.IdentityJob;
import io.trailcast.aggregate.testing.SimulatedWeek;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.notebooks.Notebook;
import io.trailcast.core.notebooks.NotebookRunner;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.enrich.themes.ThemeDefinitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated week's persons → sustained-interest segments, against the simulator's interests. */
class SegmentsIT {
  @TempDir
  static Path tmp;
  private static SimulatedWeek week;
  private static CassandraTarget target;
  private static SparkSession spark;
  private static Set<String> themes;

  @BeforeAll
  static void setUp() {
    week = SimulatedWeek.get();
    target = week.target;
    // Not stopped: a later test class of this JVM gets it again rather than a new one.
    spark = TestSpark.connectedTo(target);
    try (CqlSession cql = CqlSessions.open(target)) {
      // IdentityIT (aggregate, earlier in the build) leaves the week's graph as the default rules make it;
      // alone, compute it.
      if (cql.execute("SELECT identifier FROM person_by_identifier LIMIT 1").one() == null) {
        IdentityJob.run(spark, store(target), SimulatedWeek.START, SimulatedWeek.END, week.traffic().resolve("crm.csv"),
            SimulatedWeek.SALT, IdentityGraph.Rules.defaults());
      }
    }
    themes = ThemeDefinitions.defaults().themes().stream().map(ThemeDefinitions.Theme::name)
        .collect(Collectors.toSet());
  }

  @Test
  void membersMatchTheSimulatorsInterestsAndKeepTheirSince() throws IOException {
    SegmentDefinitions defaults = SegmentDefinitions.defaults(themes);
    SegmentJob.Result result = SegmentJob.run(spark, store(target), defaults, SimulatedWeek.END);
    SegmentEvaluation.Comparison scores = SegmentEvaluation.compare(spark, target, week.traffic(),
        SimulatedWeek.SALT, defaults, SimulatedWeek.END);
    SegmentEvaluation.Score all = scores.all();
    // Six days of logs: the 0.9 is measured on more (docs/BENCHMARKS.md).
    assertTrue(all.precision() >= 0.8 && all.recall() >= 0.6, scores.toString() + " " + result.line());

    try (CqlSession cql = CqlSessions.open(target)) {
      var member = cql.execute("SELECT segment, person_id, since FROM segments_by_person LIMIT 1").one();
      assertEquals(SimulatedWeek.END, member.getLocalDate(2));
      // The next day (no new traffic, the same window but one day older): members who still
      // qualify keep their since; the history holds their membership.
      SegmentJob.Result next = SegmentJob.run(spark, store(target), defaults, SimulatedWeek.END.plusDays(1));
      var again = cql.execute(SimpleStatement.newInstance("SELECT since, last_qualified FROM segments_by_person "
          + "WHERE person_id = ? AND segment = ?", member.getString(1), member.getString(0))).one();
      if (again != null) {
        assertEquals(SimulatedWeek.END, again.getLocalDate(0), next.line());
        assertEquals(SimulatedWeek.END.plusDays(1), again.getLocalDate(1));
      }
      long joined = next.sizes().values().stream().mapToLong(SegmentJob.Size::joined).sum();
      assertEquals(0, joined, "no new pageviews, nobody new: " + next.line());
      var history = cql.execute(SimpleStatement.newInstance("SELECT since, until FROM segment_history WHERE "
          + "person_id = ? AND segment = ?", member.getString(1), member.getString(0))).one();
      assertEquals(SimulatedWeek.END, history.getLocalDate(0));
      var size = cql.execute(SimpleStatement.newInstance("SELECT members FROM segment_sizes WHERE segment = ? "
          + "AND day = ?", member.getString(0), SimulatedWeek.END)).one();
      assertEquals(result.sizes().get(member.getString(0)).members(), size.getLong(0));
    }

    // A CRM filter: every member of a French-customers segment is French in its profile.
    Path file = tmp.resolve("segments.yaml");
    Files.writeString(file, "segments:\n  - name: french-finance\n    theme: finance\n    min_share: 0.2\n"
        + "    min_days: 1\n    countries: [fr]\n");
    SegmentJob.Result french = SegmentJob.run(spark, store(target), SegmentDefinitions.load(file, themes),
        SimulatedWeek.END);
    try (CqlSession cql = CqlSessions.open(target)) {
      long checked = 0;
      for (int bucket = 0; bucket < SegmentJob.BUCKETS; bucket++) {
        for (var row : cql.execute(SimpleStatement.newInstance("SELECT person_id FROM segment_members WHERE "
            + "segment = 'french-finance' AND bucket = ?", bucket))) {
          var profile = cql.execute(SimpleStatement.newInstance("SELECT country FROM person_profile WHERE "
              + "person_id = ?", row.getString(0))).one();
          assertEquals("FR", profile.getString(0));
          checked++;
        }
      }
      assertEquals(french.sizes().get("french-finance").members(), checked);
      assertTrue(checked > 0, french.line());
    }
  }

  /** Every query of notebooks/ (what analysts open) runs against the week's tables and finds rows. */
  @Test
  void everyNotebookQueryRunsAndFindsRows() throws IOException {
    try (CqlSession cql = CqlSessions.open(target)) {
      if (cql.execute("SELECT segment FROM segment_sizes LIMIT 1").one() == null) {
        SegmentJob.run(spark, store(target), SegmentDefinitions.defaults(themes), SimulatedWeek.END);
      }
    }
    List<Path> files;
    try (Stream<Path> listed = Files.list(Path.of("..", "notebooks"))) {
      files = listed.filter(f -> f.toString().endsWith(".cql") || f.toString().endsWith(".sql")).sorted().toList();
    }
    assertTrue(files.size() >= 4, files.toString());
    try (CqlSession cql = CqlSessions.open(target)) {
      String person = null;
      for (var row : cql.execute("SELECT person_id FROM segments_by_person LIMIT 200")) {
        if (cql.execute(SimpleStatement.newInstance("SELECT person_id FROM person_profile WHERE person_id = ?",
            row.getString(0))).one() != null) {
          person = row.getString(0);
          break;
        }
      }
      assertNotNull(person, "a segment member with a profile");
      Map<String, String> params = Map.of("person", person, "from", SimulatedWeek.START.toString(),
          "to", SimulatedWeek.END.toString());
      int queries = 0;
      for (Path file : files) {
        for (NotebookRunner.Result result : NotebookRunner.run(Notebook.load(file), params, target.keyspace(), cql,
            () -> spark, 20)) {
          assertFalse(result.rows().isEmpty(), file.getFileName() + ": " + result.cell().title() + "\n"
              + result.statement());
          queries++;
        }
      }
      assertTrue(queries >= 10, queries + " queries");
    }
  }
}
