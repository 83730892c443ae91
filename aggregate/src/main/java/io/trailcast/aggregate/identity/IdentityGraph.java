package io.trailcast.aggregate.identity;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The identity rules of DESIGN.md as transforms of an edge table, both directions of every edge:
 * (identifier, other, identifier_type, other_type, source, first_seen, last_seen). Which edges are
 * quarantined (and why), then which person every identifier belongs to.
 *
 * <ul>
 *   <li>An identifier linked to more than {@code maxLinks} others (a shared computer, a test or
 *       team account) is quarantined with all its edges: it would merge strangers.
 *   <li>Two CRM ids never end up in one person: while a component holds several, the identifier
 *       that links most others in it (the shared device or address) is quarantined, up to three
 *       times; what still conflicts then loses its CRM edges.
 *   <li>The rest is merged by connected components; a person id is the component's oldest
 *       identifier (first seen, then smallest).
 * </ul>
 */
public final class IdentityGraph {
  /** Identifier types. */
  public static final String USER = "user";
  public static final String EMAIL = "email";
  public static final String LOGIN = "login";
  public static final String CRM = "crm";
  private static final int CRM_PASSES = 3;

  private IdentityGraph() {
  }

  /** The rules' knobs. */
  public record Rules(int maxLinks, int maxRounds) {
    public static Rules defaults() {
      return new Rules(10, 20);
    }
  }

  /** Edges with their verdict, persons, and how the computation went. */
  public record Result(Dataset<Row> edges, Dataset<Row> persons, int rounds, boolean converged,
      long conflictsLeft) {
  }

  /** The same edges, both directions, merged: earliest first seen, latest last seen, sources joined. */
  public static Dataset<Row> merge(Dataset<Row> edges) {
    Dataset<Row> both = edges.select(col("identifier"), col("other"), col("identifier_type"), col("other_type"),
            col("source"), col("first_seen"), col("last_seen"))
        .union(edges.select(col("other").as("identifier"), col("identifier").as("other"),
            col("other_type").as("identifier_type"), col("identifier_type").as("other_type"), col("source"),
            col("first_seen"), col("last_seen")));
    return both.groupBy("identifier", "other")
        .agg(first("identifier_type").as("identifier_type"), first("other_type").as("other_type"),
            array_join(array_sort(collect_set("source")), ",").as("source"), min("first_seen").as("first_seen"),
            max("last_seen").as("last_seen"));
  }

  /** Quarantine, then persons: {@code edges} as {@link #merge} gives them. */
  public static Result resolve(Dataset<Row> edges, Rules rules) {
    Dataset<Row> degrees = edges.groupBy("identifier").agg(countDistinct("other").as("links"));
    Dataset<Row> crowded = degrees.filter(col("links").gt(rules.maxLinks()))
        .select(col("identifier").as("crowded"), concat(col("identifier"), lit(" links "),
            col("links").cast("string"), lit(" identifiers (more than " + rules.maxLinks()
                + "): a shared device or account")).as("crowded_reason"));
    Dataset<Row> judged = withReason(edges, crowded, "crowded", "crowded_reason").localCheckpoint();

    Dataset<Row> nodes = judged.groupBy("identifier")
        .agg(first("identifier_type").as("identifier_type"), min("first_seen").as("first_seen"));
    // Unknown first-seen dates sort last: they never name a person before a dated identifier.
    Dataset<Row> ranked = nodes.select(col("identifier"), coalesce(col("first_seen"),
        lit(java.sql.Timestamp.valueOf("9999-12-31 00:00:00"))).as("first_seen"));
    ConnectedComponents.Result components = null;
    long conflicts = 0;
    for (int pass = 0; pass <= CRM_PASSES; pass++) {
      components = ConnectedComponents.of(ranked,
          judged.filter(col("reason").isNull()).select("identifier", "other"), rules.maxRounds());
      Dataset<Row> typed = components.components().join(nodes, "identifier");
      Dataset<Row> conflicted = typed.filter(col("identifier_type").equalTo(CRM)).groupBy("component")
          .agg(array_join(array_sort(collect_set("identifier")), ", ").as("crm_ids"), count("*").as("crm_count"))
          .filter(col("crm_count").gt(1)).localCheckpoint();
      conflicts = conflicted.count();
      if (conflicts == 0) {
        break;
      }
      if (pass == CRM_PASSES) {
        // Still conflicting: the CRM ids of those components stand alone.
        Dataset<Row> crmNodes = typed.join(conflicted, "component").filter(col("identifier_type").equalTo(CRM))
            .select(col("identifier").as("blocked"), concat(lit("CRM ids "), col("crm_ids"),
                lit(" would end up in one person")).as("blocked_reason"));
        judged = withReason(judged, crmNodes, "blocked", "blocked_reason").localCheckpoint();
        components = ConnectedComponents.of(ranked,
            judged.filter(col("reason").isNull()).select("identifier", "other"), rules.maxRounds());
        break;
      }
      // In each conflicting component, the identifier that joins most identities: a device with
      // several emails or logins, an email on several CRM accounts.
      Dataset<Row> joins = judged.filter(col("reason").isNull())
          .filter(col("identifier_type").equalTo(USER).and(col("other_type").isin(EMAIL, LOGIN))
              .or(col("identifier_type").isin(EMAIL, LOGIN).and(col("other_type").equalTo(CRM))))
          .groupBy("identifier").agg(countDistinct("other").as("joins"));
      Dataset<Row> culprits = typed.join(conflicted, "component").join(joins, "identifier")
          .withColumn("rank", row_number().over(Window.partitionBy("component")
              .orderBy(col("joins").desc(), col("identifier"))))
          .filter(col("rank").equalTo(1))
          .select(col("identifier").as("blocked"), concat(col("identifier"), lit(" would merge CRM ids "),
              col("crm_ids")).as("blocked_reason"));
      judged = withReason(judged, culprits, "blocked", "blocked_reason").localCheckpoint();
    }
    Dataset<Row> persons = components.components().join(nodes, "identifier")
        .select(col("identifier"), col("identifier_type"), col("component").as("person_id"));
    return new Result(judged.withColumn("quarantined", col("reason").isNotNull()), persons, components.rounds(),
        components.converged(), conflicts);
  }

  /** Marks every edge touching a flagged identifier (either end) with the flag's reason, keeping earlier reasons. */
  private static Dataset<Row> withReason(Dataset<Row> edges, Dataset<Row> flagged, String key, String reason) {
    Dataset<Row> bySelf = flagged.select(col(key).as("f1"), col(reason).as("r1"));
    Dataset<Row> byOther = flagged.select(col(key).as("f2"), col(reason).as("r2"));
    Dataset<Row> marked = edges.join(bySelf, edges.col("identifier").equalTo(bySelf.col("f1")), "left")
        .join(byOther, edges.col("other").equalTo(byOther.col("f2")), "left");
    Column existing = hasColumn(edges, "reason") ? col("reason") : lit(null).cast("string");
    return marked.withColumn("reason_new", coalesce(existing, col("r1"), col("r2")))
        .drop("f1", "r1", "f2", "r2", "reason").withColumnRenamed("reason_new", "reason");
  }

  private static boolean hasColumn(Dataset<Row> rows, String name) {
    return java.util.Arrays.asList(rows.columns()).contains(name);
  }

  /** Sizes of the persons: (person_id, identifiers). */
  public static Dataset<Row> sizes(Dataset<Row> persons) {
    return persons.groupBy("person_id").agg(count("*").as("identifiers"));
  }
}
