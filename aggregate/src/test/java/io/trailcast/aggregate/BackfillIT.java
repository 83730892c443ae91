package io.trailcast.aggregate;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.simulator.LogFormat;
import io.trailcast.simulator.SimulationConfig;
import io.trailcast.simulator.Simulator;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.core.testing.TestSpark;
import io.trailcast.ingest.IngestConfig;
import io.trailcast.ingest.IngestJob;
import io.trailcast.ingest.InputFormat;
import io.trailcast.ingest.SiteConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A window aggregated day by day in any order, then its middle day backfilled, leaves every table
 * equal, row for row, to one run over the whole window.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackfillIT {
  private static final LocalDate START = LocalDate.of(2026, 1, 5);
  /** Bookkeeping of runs, not results: when and by which run. */
  private static final Set<String> RUN_COLUMNS = Set.of("aggregated_at", "arrival_delay", "ingested_at", "run_id");
  @TempDir
  static Path tmp;
  private static SparkSession spark;
  private static CassandraTarget full;
  private static CassandraTarget pieces;

  @BeforeAll
  static void setUp() {
    full = TestCassandra.keyspaceFor(BackfillIT.class, "full");
    pieces = TestCassandra.keyspaceFor(BackfillIT.class, "pieces");
    spark = TestSpark.connectedTo(full);
    new Simulator(new SimulationConfig(60, 3, START, 17, LogFormat.COMBINED, 0.01, true, ZoneId.of("UTC"),
        tmp)).run();
    for (CassandraTarget target : List.of(full, pieces)) {
      IngestJob.run(spark, store(target), new IngestConfig(List.of(tmp.resolve("logs").toString()), InputFormat.AUTO,
          SiteConfig.defaults(), "salt", null, null, false));
    }
  }

  @Test
  @Order(1)
  void dayByDayThenABackfillOfTheMiddleDayEqualsOneFullRun() {
    SessionRules rules = SessionRules.of(SiteConfig.defaults());
    AggregateJob.run(spark, store(full), START, START.plusDays(2), rules);
    for (int day : new int[] {2, 0, 1}) {
      AggregateJob.run(spark, store(pieces), START.plusDays(day), START.plusDays(day), rules);
    }
    AggregateJob.Result backfill = AggregateJob.run(spark, store(pieces), START.plusDays(1), START.plusDays(1), rules);
    assertEquals(0, backfill.lateEvents());
    assertEquals(0, backfill.sessionsChanged());

    Map<String, List<String>> expected = tables(full);
    Map<String, List<String>> actual = tables(pieces);
    assertEquals(expected.keySet(), actual.keySet());
    for (String table : expected.keySet()) {
      assertEquals(expected.get(table), actual.get(table), table);
    }
    for (String table : List.of("sessions_by_user", "page_metrics_by_day", "search_metrics_by_day",
        "session_metrics_by_day", "user_daily", "user_lifetime", "aggregated_days")) {
      assertTrue(expected.get(table).size() > 2, table + " has rows: " + expected.get(table).size());
    }
  }

  /**
   * A bot token added to the site config, then {@code bots reapply} over the stored days: every table equals a fresh
   * ingest and aggregate of the same logs with that token; the token taken out again, they equal the run without it.
   * A dry run counts the same changes and writes nothing.
   */
  @Test
  @Order(2)
  void botsReapplyAfterATokenIsAddedEqualsAFreshIngestWithIt() throws java.io.IOException {
    String yaml = new String(SiteConfig.class.getResourceAsStream("default-site.yaml").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(yaml.contains("\nbot_user_agents: ["));
    SiteConfig withToken = SiteConfig.load(java.nio.file.Files.writeString(tmp.resolve("site.yaml"),
        yaml.replace("\nbot_user_agents: [", "\nbot_user_agents: [Firefox/, ")));
    CassandraTarget fresh = TestCassandra.keyspaceFor(BackfillIT.class, "fresh");
    IngestJob.run(spark, store(fresh), new IngestConfig(List.of(tmp.resolve("logs").toString()), InputFormat.AUTO,
        withToken, "salt", null, null, false));
    AggregateJob.run(spark, store(fresh), START, START.plusDays(2), SessionRules.of(withToken));

    Map<String, List<String>> before = tables(pieces);
    BotsReapplyJob.Result dry = BotsReapplyJob.run(spark, store(pieces), START, START.plusDays(2), withToken, true);
    assertTrue(dry.flagged() > 100 && dry.cleared() == 0 && dry.reasonChanged() == 0, dry.line());
    assertEquals(Map.of("site_token:firefox/", dry.flagged()), dry.byReason());
    assertEquals(before, tables(pieces), "a dry run writes nothing");

    BotsReapplyJob.Result applied = BotsReapplyJob.run(spark, store(pieces), START, START.plusDays(2), withToken,
        false);
    assertEquals(dry.flagged(), applied.flagged());
    assertEquals(List.of(START, START.plusDays(1), START.plusDays(2)), applied.daysChanged());
    assertTrue(applied.aggregate().sessionsChanged() > 10, applied.line());
    Map<String, List<String>> expected = tables(fresh);
    Map<String, List<String>> actual = tables(pieces);
    for (String table : expected.keySet()) {
      assertEquals(expected.get(table), actual.get(table), table + " after the token was reapplied");
    }

    BotsReapplyJob.Result back = BotsReapplyJob.run(spark, store(pieces), START, START.plusDays(2),
        SiteConfig.defaults(), false);
    assertEquals(applied.flagged(), back.cleared(), back.line());
    assertEquals(Map.of("human", back.cleared()), back.byReason());
    Map<String, List<String>> original = tables(full);
    actual = tables(pieces);
    for (String table : original.keySet()) {
      assertEquals(original.get(table), actual.get(table), table + " after the token was taken out again");
    }
  }

  /** Every table of the keyspace but the runs' own log and settings, as sorted rows of all result columns. */
  private static Map<String, List<String>> tables(CassandraTarget target) {
    Map<String, List<String>> tables = new TreeMap<>();
    try (CqlSession session = CqlSessions.open(target)) {
      for (TableMetadata table : session.getMetadata().getKeyspace(target.keyspace()).orElseThrow().getTables()
          .values()) {
        String name = table.getName().asInternal();
        if (name.equals("job_runs") || name.equals("schema_migrations") || name.equals("keyspace_settings")) {
          continue;
        }
        List<String> rows = new ArrayList<>();
        for (Row row : session.execute("SELECT * FROM " + name)) {
          StringBuilder text = new StringBuilder();
          for (ColumnDefinition column : row.getColumnDefinitions()) {
            if (!RUN_COLUMNS.contains(column.getName().asInternal())) {
              text.append(column.getName().asInternal()).append('=').append(row.getObject(column.getName()))
                  .append(' ');
            }
          }
          rows.add(text.toString());
        }
        rows.sort(null);
        tables.put(name, rows);
      }
    }
    return tables;
  }
}
