package io.trailcast.aggregate.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.testing.TestSpark;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The identity rules on hand-written edges, with the exact persons and quarantine reasons expected. */
class IdentityGraphIT {
  private static final StructType EDGES = new StructType()
      .add("identifier", DataTypes.StringType).add("other", DataTypes.StringType)
      .add("identifier_type", DataTypes.StringType).add("other_type", DataTypes.StringType)
      .add("source", DataTypes.StringType).add("first_seen", DataTypes.TimestampType)
      .add("last_seen", DataTypes.TimestampType);
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.local();
  }

  private static Row login(String user, String email, int day) {
    Timestamp t = Timestamp.valueOf(String.format("2026-01-%02d 12:00:00", day));
    return RowFactory.create(user, email, "user", "email", "login", t, t);
  }

  private static Row crm(String crmId, String email, int day) {
    Timestamp t = Timestamp.valueOf(String.format("2025-12-%02d 00:00:00", day));
    return RowFactory.create(crmId, email, "crm", "email", "crm", t, t);
  }

  private static IdentityGraph.Result resolve(List<Row> rows, int maxLinks) {
    Dataset<Row> edges = IdentityGraph.merge(spark.createDataFrame(rows, EDGES));
    return IdentityGraph.resolve(edges, new IdentityGraph.Rules(maxLinks, 20));
  }

  private static Map<String, String> persons(IdentityGraph.Result result) {
    Map<String, String> out = new TreeMap<>();
    result.persons().collectAsList().forEach(r -> out.put(r.getString(0), r.getString(2)));
    return out;
  }

  private static Map<String, String> reasons(IdentityGraph.Result result) {
    Map<String, String> out = new TreeMap<>();
    result.edges().filter("quarantined").collectAsList().forEach(r -> out.put(r.getString(r.fieldIndex("identifier"))
        + " " + r.getString(r.fieldIndex("other")), r.getString(r.fieldIndex("reason"))));
    return out;
  }

  @Test
  void devicesSharingALoginAreOnePersonNamedAfterTheOldestIdentifier() {
    IdentityGraph.Result result = resolve(List.of(login("h:laptop", "e:ann", 5), login("h:phone", "e:ann", 3),
        login("h:phone", "e:ann", 9), crm("crm:C1", "e:ann", 20), login("h:other", "e:bob", 4)), 10);
    // bob's device and email were first seen together: the tie goes to the smaller identifier.
    assertEquals(Map.of("h:laptop", "crm:C1", "h:phone", "crm:C1", "e:ann", "crm:C1", "crm:C1", "crm:C1",
        "h:other", "e:bob", "e:bob", "e:bob"), persons(result));
    assertEquals(Map.of(), reasons(result));
    assertTrue(result.converged());
    Row phone = result.edges().filter("identifier = 'h:phone'").first();
    assertEquals(Timestamp.valueOf("2026-01-03 12:00:00"), phone.getTimestamp(phone.fieldIndex("first_seen")));
    assertEquals(Timestamp.valueOf("2026-01-09 12:00:00"), phone.getTimestamp(phone.fieldIndex("last_seen")));
  }

  @Test
  void aCookieLinkedToTooManyEmailsIsQuarantinedAndMergesNobody() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      rows.add(login("h:library-pc", "e:reader" + i, 2 + i));
      rows.add(login("h:home" + i, "e:reader" + i, 10 + i));
    }
    IdentityGraph.Result result = resolve(rows, 3);
    Map<String, String> persons = persons(result);
    for (int i = 0; i < 4; i++) {
      assertEquals("e:reader" + i, persons.get("h:home" + i), "each reader stays themself");
    }
    assertEquals("h:library-pc", persons.get("h:library-pc"));
    assertEquals("h:library-pc links 4 identifiers (more than 3): a shared device or account",
        reasons(result).get("h:library-pc e:reader0"));
    assertEquals(8, reasons(result).size(), "its 4 edges, both directions");
  }

  @Test
  void twoCrmIdsNeverShareAPerson() {
    IdentityGraph.Result result = resolve(List.of(
        // A shared family computer signed in by two customers.
        crm("crm:C2", "e:carl", 1), crm("crm:C3", "e:dora", 2), login("h:family", "e:carl", 5),
        login("h:family", "e:dora", 6), login("h:carl-phone", "e:carl", 7),
        // One address on two CRM accounts (a duplicate in the CRM).
        crm("crm:C4", "e:eve", 3), crm("crm:C5", "e:eve", 4)), 10);
    Map<String, String> persons = persons(result);
    assertEquals("crm:C2", persons.get("h:carl-phone"));
    assertEquals("crm:C2", persons.get("e:carl"));
    assertEquals("crm:C3", persons.get("e:dora"));
    assertEquals("h:family", persons.get("h:family"));
    assertEquals("crm:C4", persons.get("crm:C4"));
    assertEquals("crm:C5", persons.get("crm:C5"));
    assertEquals("e:eve", persons.get("e:eve"));
    assertEquals("h:family would merge CRM ids crm:C2, crm:C3", reasons(result).get("h:family e:carl"));
    assertEquals("e:eve would merge CRM ids crm:C4, crm:C5", reasons(result).get("crm:C4 e:eve"));
    assertEquals(0, result.conflictsLeft());
  }
}
