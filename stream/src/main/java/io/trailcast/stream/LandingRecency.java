package io.trailcast.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import java.io.Serializable;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Feeds the final sessions of a micro-batch, per landing page in start order, into the page's
 * {@link RecencyReservoir} kept in {@code landing_recency}. A row records the batch that last
 * changed it, so a micro-batch replayed after a crash is not applied twice.
 */
final class LandingRecency implements Serializable {
  private static final long serialVersionUID = 1L;
  private final CassandraConnector connector;
  private final String keyspace;
  private final int capacity;

  LandingRecency(CassandraConnector connector, String keyspace, int capacity) {
    this.connector = connector;
    this.keyspace = keyspace;
    this.capacity = capacity;
  }

  /** {@code finals}: session rows; bot sessions and sessions without a pageview are left out, as in bounce rates. */
  void update(Dataset<Row> finals, long batchId) {
    Dataset<Row> entries = finals.filter(not(col("bot")).and(col("depth").geq(1)).and(col("landing_page").isNotNull()))
        .select("site", "landing_page", "session_id", "session_start", "bounced")
        .repartition(col("site"), col("landing_page"))
        .sortWithinPartitions("site", "landing_page", "session_start", "session_id");
    entries.foreachPartition((ForeachPartitionFunction<Row>) rows -> apply(rows, batchId));
  }

  private void apply(Iterator<Row> rows, long batchId) {
    if (!rows.hasNext()) {
      return;
    }
    try (CqlSession session = connector.openSession()) {
      PreparedStatement read = session.prepare("SELECT sample, sessions_seen, batch_id FROM " + keyspace
          + ".landing_recency WHERE site = ? AND landing_page = ?");
      PreparedStatement write = session.prepare("INSERT INTO " + keyspace + ".landing_recency (site, landing_page, "
          + "sample, sessions_seen, recency_bounce_rate, last_session_start, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
      String site = null;
      String page = null;
      RecencyReservoir reservoir = null;
      Instant last = null;
      while (rows.hasNext()) {
        Row r = rows.next();
        if (reservoir == null || !Objects.equals(site, r.getString(0)) || !Objects.equals(page, r.getString(1))) {
          store(session, write, site, page, reservoir, last, batchId);
          site = r.getString(0);
          page = r.getString(1);
          reservoir = load(session, read, site, page, batchId);
        }
        if (reservoir != SKIP) {
          double[] draws = RecencyReservoir.draws(r.getString(2));
          reservoir.add(r.getBoolean(4), draws[0], draws[1]);
          last = r.getTimestamp(3).toInstant();
        }
      }
      store(session, write, site, page, reservoir, last, batchId);
    }
  }

  /** Marks a page this batch already updated (a replay): its sessions are in the sample. */
  private static final RecencyReservoir SKIP = new RecencyReservoir(1, List.of(), 0);

  private RecencyReservoir load(CqlSession session, PreparedStatement read, String site, String page,
      long batchId) {
    com.datastax.oss.driver.api.core.cql.Row row = session.execute(read.bind(site, page)).one();
    if (row == null) {
      return new RecencyReservoir(capacity, List.of(), 0);
    }
    if (!row.isNull(2) && row.getLong(2) >= batchId) {
      return SKIP;
    }
    return new RecencyReservoir(capacity, row.getList(0, Boolean.class), row.getLong(1));
  }

  private static void store(CqlSession session, PreparedStatement write, String site, String page,
      RecencyReservoir reservoir, Instant last, long batchId) {
    if (reservoir == null || reservoir == SKIP) {
      return;
    }
    session.execute(write.bind(site, page, reservoir.sample(), reservoir.seen(), reservoir.bounceRate(), last,
        batchId));
  }
}
