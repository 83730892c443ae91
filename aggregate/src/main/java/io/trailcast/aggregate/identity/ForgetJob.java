package io.trailcast.aggregate.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.ingest.EventBuilder;
import io.trailcast.ingest.Hashing;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code trailcast forget}: erases a person. From one identifier it resolves the person (the
 * identity graph's person and every identifier linked to it by an edge that is not quarantined),
 * then deletes every row that names one of their identifiers, in every table of the keyspace,
 * found from the schema itself so that a table added later is covered:
 * <ul>
 *   <li>tables partitioned by (user_id, day or month) (events, sessions, daily aggregates, scores):
 *       the person's partitions, found through {@code event_days};
 *   <li>every other table with an identifying column ({@link #IDENTIFYING}): a scan, then a delete
 *       per matching row by its primary key;
 *   <li>quarantined lines that still hold the raw email or login given (older than masking).
 * </ul>
 * Their identifiers join {@code suppressed_identifiers}, so that ingest, the stream (its state
 * too, at its next micro-batch) and identities drop whatever names them again; an audit row in
 * {@code forget_audit} says what went, with the identifier only as a salted hash. Aggregates
 * without identifiers (page metrics, segment sizes) keep the person's share; so do models already
 * trained, and the Kafka topic until its retention ends.
 */
public final class ForgetJob {
  private static final Logger LOG = LoggerFactory.getLogger(ForgetJob.class);
  /** Column names that hold an identifier, and which of the person's values they hold. */
  static final Map<String, ValueKind> IDENTIFYING = Map.of(
      "user_id", ValueKind.USER_ID,
      "person_id", ValueKind.PERSON_ID,
      "identifier", ValueKind.IDENTIFIER,
      "other", ValueKind.IDENTIFIER,
      "identifiers", ValueKind.IDENTIFIER,
      "crm_id", ValueKind.CRM_ID,
      "email_hash", ValueKind.LOGIN_HASH,
      "login", ValueKind.LOGIN_HASH);
  /** The tables of forgetting itself: they hold the hashes on purpose. */
  static final Set<String> KEPT = Set.of("suppressed_identifiers", "forget_audit", "schema_migrations",
      "keyspace_settings");
  /** Most identifiers one person may have: more means a shared identifier slipped through. */
  private static final int MAX_IDENTIFIERS = 1_000;

  enum ValueKind { USER_ID, PERSON_ID, IDENTIFIER, CRM_ID, LOGIN_HASH }

  /** How an identifier is given on the command line. */
  public enum Kind {
    /** As stored: a user id, e:HASH, l:HASH or crm:ID. */
    ID,
    USER,
    EMAIL,
    LOGIN,
    CRM;

    public static Kind parse(String text) {
      try {
        return text == null ? ID : valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserException("unknown --kind '" + text + "': use email, login, user or crm");
      }
    }
  }

  /** The person found: identifiers (user ids, e:/l: hashes, crm: ids) and person ids. */
  public record Person(Set<String> identifiers, Set<String> personIds) {
    Set<String> userIds() {
      Set<String> users = new TreeSet<>();
      for (String id : identifiers) {
        if (!id.startsWith("e:") && !id.startsWith("l:") && !id.startsWith("crm:")) {
          users.add(id);
        }
      }
      return users;
    }

    Set<String> values(ValueKind kind) {
      Set<String> values = new TreeSet<>();
      switch (kind) {
        case USER_ID -> values.addAll(userIds());
        case PERSON_ID -> values.addAll(personIds);
        case IDENTIFIER -> {
          values.addAll(identifiers);
          values.addAll(personIds);
        }
        case CRM_ID -> identifiers.stream().filter(i -> i.startsWith("crm:")).forEach(i -> values.add(i.substring(4)));
        case LOGIN_HASH -> identifiers.stream().filter(i -> i.startsWith("e:") || i.startsWith("l:"))
            .forEach(i -> values.add(i.substring(2)));
        default -> throw new IllegalStateException(kind.toString());
      }
      return values;
    }
  }

  /** What a request did (or, dry, would do): rows per table. */
  public record Result(UUID requestId, String identifierHash, Person person, Map<String, Long> deleted,
      boolean dryRun) {
    public long total() {
      return deleted.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private ForgetJob() {
  }

  /** The identifier as the tables hold it: raw emails and logins hashed as ingest hashes them. */
  public static String normalise(String identifier, Kind kind, String salt) {
    String id = identifier.trim();
    if (id.isEmpty()) {
      throw new UserException("--identifier is empty");
    }
    return switch (kind) {
      case ID, USER -> id;
      case CRM -> id.startsWith("crm:") ? id : "crm:" + id;
      case EMAIL, LOGIN -> {
        String login = EventBuilder.login(id);
        if (login == null) {
          throw new UserException("'" + id + "' is a placeholder or test address, which trailcast never links to "
              + "anyone");
        }
        yield (login.contains("@") ? "e:" : "l:") + Hashing.salted(salt, login);
      }
    };
  }

  public static Result run(SparkSession spark, Store store, String identifier, Kind kind, String salt,
      boolean dryRun) {
    String start = normalise(identifier, kind, salt);
    String rawText = kind == Kind.EMAIL || kind == Kind.LOGIN ? identifier.trim().toLowerCase(Locale.ROOT) : null;
    CqlSession cql = store.cql();
    Person found = resolve(cql, start);
    Person person = found.userIds().isEmpty() && !found.values(ValueKind.LOGIN_HASH).isEmpty()
        ? withUsersOfLogins(spark, store.target(), cql, found) : found;
    LOG.info("forget: {} identifiers and {} persons found from the one given", person.identifiers().size(),
        person.personIds().size());
    String identifierHash = Hashing.salted(salt, start);
    if (dryRun) {
      return new Result(UUID.randomUUID(), identifierHash, person,
          delete(spark, store.target(), cql, person, rawText, true), true);
    }
    return JobRuns.record(store, "forget", List.of(identifierHash), null, null, (session, run) -> {
      UUID requestId = UUID.randomUUID();
      Instant requested = Instant.now();
      // Suppressed first: a stream or ingest running meanwhile drops the person from now on.
      PreparedStatement suppress = session.prepare("INSERT INTO suppressed_identifiers (identifier, kind, "
          + "request_id, forgotten_at) VALUES (?, ?, ?, ?)");
      for (String id : person.identifiers()) {
        session.execute(suppress.bind(id, kindOf(id), requestId, requested));
      }
      Map<String, Long> deleted = delete(spark, store.target(), session, person, rawText, false);
      session.execute(SimpleStatement.newInstance("INSERT INTO forget_audit (request_id, identifier_hash, kind, "
          + "identifiers, deleted, dry_run, requested_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          requestId, identifierHash, kind.name().toLowerCase(Locale.ROOT), (long) person.identifiers().size(),
          deleted, false, requested, Instant.now()));
      return new Result(requestId, identifierHash, person, deleted, false);
    }, result -> Map.of("identifiers", (long) result.person().identifiers().size(), "rows", result.total()));
  }

  private static String kindOf(String id) {
    return id.startsWith("e:") ? "email" : id.startsWith("l:") ? "login" : id.startsWith("crm:") ? "crm" : "user";
  }

  /**
   * The person of {@code start}: the persons it belongs or belonged to, every identifier of those
   * persons, and every identifier reached from them by an edge that is not quarantined (a crowded
   * identifier, shared by strangers, is never followed).
   */
  static Person resolve(CqlSession cql, String start) {
    Set<String> identifiers = new LinkedHashSet<>();
    Set<String> persons = new TreeSet<>();
    PreparedStatement edges = cql.prepare("SELECT other, quarantined FROM identity_edges WHERE identifier = ?");
    PreparedStatement history = cql.prepare("SELECT person_id FROM person_history WHERE identifier = ?");
    PreparedStatement profile = cql.prepare("SELECT identifiers FROM person_profile WHERE person_id = ?");
    Deque<String> todo = new ArrayDeque<>(List.of(start));
    while (!todo.isEmpty()) {
      String id = todo.poll();
      if (!identifiers.add(id)) {
        continue;
      }
      if (identifiers.size() > MAX_IDENTIFIERS) {
        throw new UserException("forget: more than " + MAX_IDENTIFIERS + " identifiers linked to " + start
            + ": a shared identifier joins strangers; look with `identities who` and forget a narrower one");
      }
      for (var row : cql.execute(edges.bind(id))) {
        if (!row.getBoolean(1)) {
          todo.add(row.getString(0));
        }
      }
      for (var row : cql.execute(history.bind(id))) {
        String personId = row.getString(0);
        if (persons.add(personId)) {
          var members = cql.execute(profile.bind(personId)).one();
          if (members != null && !members.isNull(0)) {
            todo.addAll(members.getSet(0, String.class));
          }
        }
      }
    }
    return new Person(Set.copyOf(identifiers), Set.copyOf(persons));
  }

  /**
   * A login the identity graph has not seen (identities not run over its days): the user ids whose
   * events carry it, found by a scan of the events, and their own graph.
   */
  private static Person withUsersOfLogins(SparkSession spark, CassandraTarget target, CqlSession cql,
      Person person) {
    Object[] hashes = person.values(ValueKind.LOGIN_HASH).toArray();
    LOG.info("forget: the identity graph links no user id to the login given: scanning events_by_user for it");
    List<String> users = CassandraTables.read(spark, target, "events_by_user").select("user_id", "login")
        .filter(col("login").isin(hashes)).select("user_id").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    Set<String> identifiers = new TreeSet<>(person.identifiers());
    Set<String> persons = new TreeSet<>(person.personIds());
    for (String user : users) {
      Person more = resolve(cql, user);
      identifiers.addAll(more.identifiers());
      persons.addAll(more.personIds());
    }
    return new Person(Set.copyOf(identifiers), Set.copyOf(persons));
  }

  /** A table's primary key and the identifying columns it has, from system_schema. */
  record Table(String name, List<String> partitionKey, List<String> primaryKey, List<String> identifying,
      Map<String, String> types) {
    /** Partitioned by user and day or month: the person's partitions are found without a scan. */
    boolean byUserAndTime() {
      return partitionKey.size() == 2 && partitionKey.get(0).equals("user_id")
          && (partitionKey.get(1).equals("day") || partitionKey.get(1).equals("month"));
    }
  }

  static List<Table> tables(CqlSession cql, String keyspace) {
    Map<String, TreeMap<Integer, String>> partition = new TreeMap<>();
    Map<String, TreeMap<Integer, String>> clustering = new TreeMap<>();
    Map<String, List<String>> identifying = new TreeMap<>();
    Map<String, Map<String, String>> types = new TreeMap<>();
    for (var row : cql.execute(SimpleStatement.newInstance("SELECT table_name, column_name, kind, position, type FROM "
        + "system_schema.columns WHERE keyspace_name = ?", keyspace))) {
      String table = row.getString(0);
      String column = row.getString(1);
      String kindName = row.getString(2);
      partition.computeIfAbsent(table, t -> new TreeMap<>());
      clustering.computeIfAbsent(table, t -> new TreeMap<>());
      identifying.computeIfAbsent(table, t -> new ArrayList<>());
      types.computeIfAbsent(table, t -> new TreeMap<>()).put(column, row.getString(4));
      if (kindName.equals("partition_key")) {
        partition.get(table).put(row.getInt(3), column);
      } else if (kindName.equals("clustering")) {
        clustering.get(table).put(row.getInt(3), column);
      }
      if (IDENTIFYING.containsKey(column)) {
        identifying.get(table).add(column);
      }
    }
    List<Table> tables = new ArrayList<>();
    for (String table : partition.keySet()) {
      if (KEPT.contains(table)) {
        continue;
      }
      List<String> primary = new ArrayList<>(partition.get(table).values());
      primary.addAll(clustering.get(table).values());
      tables.add(new Table(table, List.copyOf(partition.get(table).values()), primary,
          List.copyOf(identifying.get(table)), types.get(table)));
    }
    return tables;
  }

  private static Map<String, Long> delete(SparkSession spark, CassandraTarget target, CqlSession cql, Person person,
      String rawText, boolean dryRun) {
    Map<String, Long> deleted = new TreeMap<>();
    List<Table> tables = tables(cql, target.keyspace());
    Set<String> users = person.userIds();
    // The person's days, from the index, before the index rows go.
    List<java.time.LocalDate> days = users.isEmpty() ? List.of() : CassandraTables.read(spark, target, "event_days")
        .filter(col("user_id").isin(users.toArray())).select("day").distinct().collectAsList().stream()
        .map(r -> r.getDate(0).toLocalDate()).sorted().toList();
    for (Table table : tables) {
      long rows;
      if (table.byUserAndTime()) {
        rows = deletePartitions(cql, table, users, days, dryRun);
      } else if (!table.identifying().isEmpty()) {
        rows = deleteMatching(spark, target, cql, table, scan(spark, target, table, person), dryRun);
      } else if (table.name().equals("quarantine") && rawText != null) {
        Dataset<Row> all = CassandraTables.read(spark, target, table.name());
        rows = deleteMatching(spark, target, cql, table, all.filter(lower(col("raw")).contains(rawText)
            .or(lower(col("reason")).contains(rawText))), dryRun);
      } else {
        continue;
      }
      if (rows > 0) {
        deleted.put(table.name(), rows);
      }
    }
    return deleted;
  }

  private static long deletePartitions(CqlSession cql, Table table, Set<String> users,
      List<java.time.LocalDate> days, boolean dryRun) {
    boolean byDay = table.partitionKey().get(1).equals("day");
    Set<Object> times = new LinkedHashSet<>();
    for (java.time.LocalDate day : days) {
      times.add(byDay ? day : day.toString().substring(0, 7));
    }
    String where = " WHERE user_id = ? AND " + table.partitionKey().get(1) + " = ?";
    PreparedStatement count = cql.prepare("SELECT count(*) FROM " + table.name() + where);
    PreparedStatement delete = cql.prepare("DELETE FROM " + table.name() + where);
    long rows = 0;
    for (String user : users) {
      for (Object time : times) {
        long n = cql.execute(count.bind(user, time)).one().getLong(0);
        if (n > 0) {
          rows += n;
          if (!dryRun) {
            cql.execute(delete.bind(user, time));
          }
        }
      }
    }
    return rows;
  }

  /** The table's rows that name the person in any identifying column. */
  private static Dataset<Row> scan(SparkSession spark, CassandraTarget target, Table table, Person person) {
    Dataset<Row> rows = CassandraTables.read(spark, target, table.name());
    Column match = lit(false);
    for (String column : table.identifying()) {
      Object[] values = person.values(IDENTIFYING.get(column)).toArray();
      if (values.length == 0) {
        continue;
      }
      boolean isSet = rows.schema().apply(column).dataType() instanceof org.apache.spark.sql.types.ArrayType;
      match = match.or(isSet ? org.apache.spark.sql.functions.arrays_overlap(col(column),
          org.apache.spark.sql.functions.array(java.util.Arrays.stream(values).map(v -> lit(v)).toArray(Column[]::new)))
          : col(column).isin(values));
    }
    return rows.filter(match);
  }

  private static long deleteMatching(SparkSession spark, CassandraTarget target, CqlSession cql, Table table,
      Dataset<Row> matching, boolean dryRun) {
    List<Row> keys = matching.select(table.primaryKey().stream().map(c -> col(c)).toArray(Column[]::new))
        .collectAsList();
    if (!dryRun && !keys.isEmpty()) {
      StringBuilder where = new StringBuilder();
      for (String column : table.primaryKey()) {
        where.append(where.length() == 0 ? " WHERE " : " AND ").append(column).append(" = ?");
      }
      PreparedStatement delete = cql.prepare("DELETE FROM " + table.name() + where);
      for (Row key : keys) {
        BoundStatementBuilder bound = delete.boundStatementBuilder();
        for (int i = 0; i < key.size(); i++) {
          Object value = toCql(key.get(i), table.types().get(table.primaryKey().get(i)));
          bound = bound.set(i, value, codecClass(value));
        }
        cql.execute(bound.build());
      }
    }
    return keys.size();
  }

  /** Spark's values of a primary key as the driver binds them (Spark reads uuids as text). */
  private static Object toCql(Object value, String cqlType) {
    if (value instanceof String text && (cqlType.equals("uuid") || cqlType.equals("timeuuid"))) {
      return UUID.fromString(text);
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate();
    }
    if (value instanceof java.sql.Timestamp ts) {
      return ts.toInstant();
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static <T> Class<T> codecClass(Object value) {
    return (Class<T>) value.getClass();
  }

  /** Rows per table, for a person to read: {@code events_by_user 120, sessions_by_user 9, ...}. */
  public static String describe(Map<String, Long> deleted) {
    Map<String, Long> sorted = new LinkedHashMap<>(deleted);
    return sorted.isEmpty() ? "no rows" : String.join(", ", sorted.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).toList());
  }
}
