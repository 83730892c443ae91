package io.trailcast.core.cassandra;

import io.trailcast.core.UserException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Keyspace replication given as a flag: {@code simple:1} (SimpleStrategy, the embedded node) or
 * {@code dc1:3,dc2:3} (NetworkTopologyStrategy, a cluster).
 */
public record Replication(String strategy, Map<String, Integer> factors) {
  public static final Replication EMBEDDED = new Replication("SimpleStrategy", Map.of("replication_factor", 1));

  public Replication {
    factors = Map.copyOf(factors);
  }

  public static Replication parse(String text) {
    if (text == null || text.isBlank()) {
      return EMBEDDED;
    }
    Map<String, Integer> factors = new LinkedHashMap<>();
    boolean simple = false;
    for (String part : text.split(",")) {
      String[] kv = part.trim().split(":");
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new UserException("bad --replication '" + text + "': use simple:RF or DC:RF[,DC:RF...]");
      }
      int factor;
      try {
        factor = Integer.parseInt(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new UserException("bad replication factor '" + kv[1] + "' in --replication " + text);
      }
      if (factor < 1) {
        throw new UserException("replication factor must be at least 1 in --replication " + text);
      }
      if (kv[0].trim().equals("simple")) {
        simple = true;
        factors.put("replication_factor", factor);
      } else {
        factors.put(kv[0].trim(), factor);
      }
    }
    if (simple && factors.size() > 1) {
      throw new UserException("bad --replication '" + text + "': simple:RF cannot be mixed with data centres");
    }
    return new Replication(simple ? "SimpleStrategy" : "NetworkTopologyStrategy", factors);
  }

  /** The replication Cassandra stores ({@code system_schema.keyspaces.replication}). */
  public static Replication of(Map<String, String> stored) {
    String strategy = stored.get("class");
    strategy = strategy.substring(strategy.lastIndexOf('.') + 1);
    Map<String, Integer> factors = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : stored.entrySet()) {
      if (!e.getKey().equals("class")) {
        factors.put(e.getKey(), Integer.parseInt(e.getValue()));
      }
    }
    return new Replication(strategy, factors);
  }

  /** As {@code --replication} takes it: {@code simple:3}, {@code dc1:3,dc2:3}. */
  public String describe() {
    return factors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> (strategy.equals("SimpleStrategy") ? "simple" : e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /**
   * Why this replication cannot be met by a cluster of {@code nodesPerDc}, or null when it can: more
   * copies than nodes (in the cluster, or in a data centre named) would fail every write at quorum.
   */
  public String exceeds(Map<String, Integer> nodesPerDc) {
    int all = nodesPerDc.values().stream().mapToInt(Integer::intValue).sum();
    for (Map.Entry<String, Integer> e : factors.entrySet()) {
      int nodes = strategy.equals("SimpleStrategy") ? all : nodesPerDc.getOrDefault(e.getKey(), 0);
      if (e.getValue() > nodes) {
        String where = strategy.equals("SimpleStrategy") ? "the cluster has " + all
            : "data centre " + e.getKey() + " has " + nodes + " (the cluster's: " + nodesPerDc + ")";
        return e.getValue() + " copies need " + e.getValue() + " nodes; " + where;
      }
    }
    return null;
  }

  /** The CQL map literal for {@code WITH replication = ...}. */
  public String cql() {
    String entries = factors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> "'" + e.getKey() + "': " + e.getValue())
        .collect(Collectors.joining(", "));
    return "{'class': '" + strategy + "', " + entries + "}";
  }
}
