package io.trailcast.aggregate.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import io.trailcast.core.spark.Progress;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Connected components of an undirected graph in Spark, by min-label propagation: every node
 * starts with its own label (first seen, identifier) and takes the smallest label among itself
 * and its neighbours, round after round, until no label changes. The label that wins is the
 * component's oldest identifier, which makes person ids stable across reruns as long as that
 * identifier stays in it. Each round is checkpointed (the lineage stays one round long) and
 * nothing is collected to the driver but the count of changed labels.
 */
public final class ConnectedComponents {
  private ConnectedComponents() {
  }

  /**
   * {@code components}: (identifier, component) for every node; {@code rounds}: propagation
   * rounds run; {@code converged}: whether the last round changed nothing (false when
   * {@code maxRounds} stopped it first: components may then be split, never wrongly merged).
   */
  public record Result(Dataset<Row> components, int rounds, boolean converged) {
  }

  /**
   * @param nodes (identifier string, first_seen timestamp): every node, also those without edges
   * @param edges (identifier, other): each edge once or in both directions
   */
  public static Result of(Dataset<Row> nodes, Dataset<Row> edges, int maxRounds) {
    Dataset<Row> both = edges.select(col("identifier").as("src"), col("other").as("dst"))
        .union(edges.select(col("other").as("src"), col("identifier").as("dst")))
        .distinct().localCheckpoint();
    Dataset<Row> labels = nodes.select(col("identifier"),
        struct(col("first_seen"), col("identifier").as("id")).as("label")).localCheckpoint();
    int rounds = 0;
    boolean converged = false;
    try (Progress progress = Progress.phase(nodes.sparkSession(), "identities", "connected components")) {
      while (rounds < maxRounds && !converged) {
        rounds++;
        Dataset<Row> offered = both.join(labels, both.col("src").equalTo(labels.col("identifier")))
            .select(col("dst").as("identifier"), col("label"));
        Dataset<Row> next = labels.union(offered).groupBy("identifier").agg(min("label").as("label"))
            .localCheckpoint();
        long changed = next.as("n").join(labels.as("o"), "identifier")
            .filter(col("n.label").notEqual(col("o.label"))).count();
        labels = next;
        converged = changed == 0;
        progress.step(String.format(Locale.ROOT, "round %d of at most %d: %,d labels changed", rounds, maxRounds,
            changed));
      }
    }
    return new Result(labels.select(col("identifier"), col("label.id").as("component")), rounds, converged);
  }
}
