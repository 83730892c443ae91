package io.trailcast.core.cassandra;

import io.trailcast.core.UserException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The cluster a job talks to: the embedded node when no hosts are given, else the user's hosts.
 *
 * @param hosts contact points ({@code host} or {@code host:port}); empty means the embedded node
 * @param port native-protocol port used for hosts that give none
 * @param localDc the data centre the driver routes to
 * @param keyspace the keyspace holding trailcast's tables
 * @param consistency the consistency level of every write and of the reads that decide results (a
 *     driver {@code ConsistencyLevel} name; LOCAL_QUORUM unless {@code --consistency} says otherwise)
 */
public record CassandraTarget(List<String> hosts, int port, String localDc, String keyspace, String consistency) {
  public static final String DEFAULT_KEYSPACE = "trailcast";
  public static final String DEFAULT_DC = "datacenter1";
  public static final int DEFAULT_PORT = 9042;
  /** Writes and deciding reads: a majority of the local replicas, so a read sees every acknowledged write. */
  public static final String DEFAULT_CONSISTENCY = "LOCAL_QUORUM";
  private static final List<String> CONSISTENCIES = List.of("ONE", "LOCAL_ONE", "TWO", "THREE", "QUORUM",
      "LOCAL_QUORUM", "EACH_QUORUM", "ALL");
  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  public CassandraTarget {
    hosts = List.copyOf(hosts);
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new UserException("bad keyspace '" + keyspace
          + "': use lower-case letters, digits and _, starting with a letter (at most 48)");
    }
    if (port <= 0 || port > 65_535) {
      throw new UserException("bad Cassandra port " + port);
    }
    if (!CONSISTENCIES.contains(consistency)) {
      throw new UserException("bad consistency level '" + consistency + "': use one of " + CONSISTENCIES);
    }
  }

  public CassandraTarget(List<String> hosts, int port, String localDc, String keyspace) {
    this(hosts, port, localDc, keyspace, DEFAULT_CONSISTENCY);
  }

  /** The embedded node on this machine. */
  public static CassandraTarget embedded(int port, String keyspace) {
    return new CassandraTarget(List.of(), port, DEFAULT_DC, keyspace);
  }

  /** Parses {@code --cassandra host1,host2[:port]}; blank means the embedded node. */
  public static CassandraTarget parse(String hostList, String keyspace, String localDc) {
    if (hostList == null || hostList.isBlank()) {
      return embedded(DEFAULT_PORT, keyspace);
    }
    List<String> hosts = new ArrayList<>();
    for (String part : hostList.split(",")) {
      String host = part.trim();
      if (host.isEmpty()) {
        throw new UserException("bad --cassandra '" + hostList + "': empty host name");
      }
      hosts.add(host);
    }
    return new CassandraTarget(hosts, DEFAULT_PORT, localDc, keyspace);
  }

  public boolean isEmbedded() {
    return hosts.isEmpty();
  }

  public CassandraTarget withKeyspace(String other) {
    return new CassandraTarget(hosts, port, localDc, other, consistency);
  }

  /** The same cluster and keyspace at another consistency level (an upper-case level name). */
  public CassandraTarget withConsistency(String level) {
    return new CassandraTarget(hosts, port, localDc, keyspace, level.toUpperCase(java.util.Locale.ROOT));
  }

  /** Contact points as socket addresses (host:port entries keep their own port). */
  public List<InetSocketAddress> contactPoints() {
    List<String> names = isEmbedded() ? List.of("127.0.0.1") : hosts;
    List<InetSocketAddress> points = new ArrayList<>();
    for (String name : names) {
      int colon = name.lastIndexOf(':');
      if (colon > 0 && name.indexOf(':') == colon) {
        points.add(InetSocketAddress.createUnresolved(name.substring(0, colon), parsePort(name.substring(colon + 1))));
      } else {
        points.add(InetSocketAddress.createUnresolved(name, port));
      }
    }
    return points;
  }

  /** Hosts without ports, for {@code spark.cassandra.connection.host}. */
  public String hostNames() {
    List<String> names = new ArrayList<>();
    for (InetSocketAddress point : contactPoints()) {
      names.add(point.getHostString());
    }
    return String.join(",", names);
  }

  /** The one port the connector uses ({@code spark.cassandra.connection.port}). */
  public int connectorPort() {
    return contactPoints().get(0).getPort();
  }

  public String describe() {
    return (isEmbedded() ? "embedded node 127.0.0.1:" + port : String.join(",", hosts)) + ", keyspace " + keyspace;
  }

  private static int parsePort(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UserException("bad port '" + text + "' in --cassandra");
    }
  }
}
