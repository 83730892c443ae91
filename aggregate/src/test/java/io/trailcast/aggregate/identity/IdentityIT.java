package io.trailcast.aggregate.identity;

import static io.trailcast.core.testing.TestCassandra.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.aggregate.testing.SimulatedWeek;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.testing.TestSpark;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulated week and its CRM → identity graph → persons against the simulator's, reruns, an unmerge. */
class IdentityIT {
  private static final LocalDate START = SimulatedWeek.START;
  private static final LocalDate END = SimulatedWeek.END;
  private static SimulatedWeek week;
  private static CassandraTarget target;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    week = SimulatedWeek.get();
    target = week.target;
    // Not stopped: a later test class of this JVM gets it again rather than a new one.
    spark = TestSpark.connectedTo(target);
  }

  @AfterAll
  static void tearDown() {
    // The graph as the other tests of the week expect it: default rules.
    IdentityJob.run(spark, store(target), START, END, week.traffic().resolve("crm.csv"),
        SimulatedWeek.SALT, IdentityGraph.Rules.defaults());
  }

  private static Map<String, String> persons(CqlSession cql) {
    Map<String, String> out = new TreeMap<>();
    cql.execute("SELECT identifier, person_id FROM person_by_identifier")
        .forEach(r -> out.put(r.getString(0), r.getString(1)));
    return out;
  }

  @Test
  void personsMatchTheSimulatorsStayStableAndAnUnmergeIsHistory() {
    IdentityJob.Result first = IdentityJob.run(spark, store(target), START, END, week.traffic().resolve("crm.csv"),
        SimulatedWeek.SALT, IdentityGraph.Rules.defaults());
    assertTrue(first.converged(), first.line());
    assertTrue(first.crmAccounts() > 50, first.line());
    assertTrue(first.crmWithoutEmail() > 0, "placeholder CRM emails (unknown, empty) link nothing: " + first.line());

    IdentityEvaluation.Pairs pairs = IdentityEvaluation.compare(spark, target, week.traffic(), SimulatedWeek.SALT);
    assertEquals(1.0, pairs.precision(), 1e-12, "no strangers merged: " + pairs);
    // Six days of 600 persons: few of a person's devices both sign in, and those are all merged.
    assertTrue(pairs.correct() > 0 && pairs.signedInTruePairs() > 0, "devices joined by their logins: " + pairs);
    assertTrue(pairs.signedInRecall() >= 0.95, "devices that both signed in end up in one person: " + pairs);

    try (CqlSession cql = CqlSessions.open(target)) {
      Map<String, String> before = persons(cql);
      // A person with a CRM account: its profile merges its devices and carries the account's plan.
      String crmPerson = before.entrySet().stream().filter(e -> e.getKey().startsWith("crm:"))
          .map(Map.Entry::getValue).filter(p -> before.values().stream().filter(p::equals).count() >= 3)
          .findFirst().orElseThrow();
      var profile = cql.execute(SimpleStatement.newInstance("SELECT identifiers, plan, country, pageviews "
          + "FROM person_profile WHERE person_id = ?", crmPerson)).one();
      assertTrue(profile.getSet(0, String.class).stream().anyMatch(i -> i.startsWith("h:")),
          profile.getFormattedContents());
      assertTrue(profile.getString(1) != null && profile.getString(2) != null, profile.getFormattedContents());
      long devicePageviews = 0;
      for (String id : profile.getSet(0, String.class)) {
        if (id.startsWith("h:")) {
          var lifetime = cql.execute(SimpleStatement.newInstance("SELECT pageviews FROM user_lifetime "
              + "WHERE user_id = ?", id)).one();
          devicePageviews += lifetime == null ? 0 : lifetime.getLong(0);
        }
      }
      assertEquals(devicePageviews, profile.getLong(3), "pageviews merged over the person's devices");

      // A rerun of the same days changes nobody.
      IdentityJob.Result again = IdentityJob.run(spark, store(target), START, END, week.traffic().resolve("crm.csv"),
          SimulatedWeek.SALT, IdentityGraph.Rules.defaults());
      assertEquals(0, again.personsChanged(), again.line());
      assertEquals(before, persons(cql));

      // An unmerge is a rerun: with at most one link per identifier, a device of a person of 3 or
      // more identifiers (so it, or its one neighbour, has two links) is quarantined and stands
      // alone; the history says who it was before.
      Instant beforeUnmerge = Instant.now();
      IdentityJob.Result unmerged = IdentityJob.run(spark, store(target), START, END, null, SimulatedWeek.SALT,
          new IdentityGraph.Rules(1, 20));
      assertTrue(unmerged.quarantinedEdges() > 0 && unmerged.personsChanged() > 0, unmerged.line());
      Map<String, Long> sizes = before.values().stream().collect(Collectors.groupingBy(p -> p,
          Collectors.counting()));
      String device = before.entrySet().stream().filter(e -> e.getKey().startsWith("h:")
          && !e.getKey().equals(e.getValue()) && sizes.get(e.getValue()) >= 3).map(Map.Entry::getKey).findFirst()
          .orElseThrow();
      assertEquals(device, persons(cql).get(device), "alone after the unmerge");
      var history = cql.execute(SimpleStatement.newInstance("SELECT person_id, valid_to FROM person_history "
          + "WHERE identifier = ? AND valid_from <= ? LIMIT 1", device, beforeUnmerge)).one();
      assertEquals(before.get(device), history.getString(0), "who it was before");
      assertTrue(history.getInstant(1) != null && history.getInstant(1).isAfter(beforeUnmerge));
      var now = cql.execute(SimpleStatement.newInstance("SELECT person_id, valid_to FROM person_history "
          + "WHERE identifier = ? LIMIT 1", device)).one();
      assertEquals(device, now.getString(0));
      assertNull(now.getInstant(1));
    }
  }
}
