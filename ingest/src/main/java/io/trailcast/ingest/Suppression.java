package io.trailcast.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * The identifiers of forgotten persons ({@code suppressed_identifiers}, written by {@code forget}):
 * user ids, {@code e:}/{@code l:} login hashes and {@code crm:} ids. Ingest and the stream drop an
 * event that carries one (counted as suppressed), the stream drops their state, identities their
 * CRM rows and edges: re-ingesting old logs never brings a forgotten person back.
 */
public final class Suppression implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final Suppression NONE = new Suppression(Set.of());
  private static final int USER = IngestRows.SCHEMA.fieldIndex("user_id");
  private static final int LOGIN = IngestRows.SCHEMA.fieldIndex("login");
  private static final int EMAIL = IngestRows.SCHEMA.fieldIndex("email_hash");

  private final Set<String> identifiers;

  public Suppression(Set<String> identifiers) {
    this.identifiers = Set.copyOf(identifiers);
  }

  /** The keyspace's list as it is now. */
  public static Suppression load(CqlSession session, String keyspace) {
    Set<String> identifiers = new HashSet<>();
    session.execute("SELECT identifier FROM " + keyspace + ".suppressed_identifiers")
        .forEach(r -> identifiers.add(r.getString(0)));
    return new Suppression(identifiers);
  }

  public Set<String> identifiers() {
    return identifiers;
  }

  public boolean contains(String identifier) {
    return identifier != null && identifiers.contains(identifier);
  }

  /** Whether an event row ({@link IngestRows#SCHEMA}) is a forgotten person's: by user id or login. */
  public boolean holds(Row row) {
    if (identifiers.isEmpty() || !row.isNullAt(IngestRows.SCHEMA.fieldIndex("reject_reason"))) {
      return false;
    }
    return contains(row.getString(USER))
        || (!row.isNullAt(EMAIL) && contains("e:" + row.getString(EMAIL)))
        || (!row.isNullAt(LOGIN) && contains("l:" + row.getString(LOGIN)));
  }
}
