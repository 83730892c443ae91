package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.trailcast.enrich.themes.ThemeAssigner;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The theme of each event's URL, on the executors: {@code url_themes} read by key and cached for a
 * while (so that new assignments and analysts' rules arrive), and a URL it does not hold yet
 * scored with the current vectors and written there, as {@code themes assign} would. Without a
 * vectors model, such URLs stay without a theme until the batch assigns them.
 */
public final class ThemeLookup implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int CACHE_SIZE = 200_000;
  /** Per executor JVM: the cache outlives a micro-batch. */
  private static final Map<String, Cached> CACHE = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private record Cached(String theme, long until) {
  }

  private final CassandraConnector connector;
  private final String keyspace;
  private final Broadcast<ThemeAssigner> assigner;
  private final long refreshMs;

  /** {@code assigner}: the current vectors' assigner, or null when there is no vectors model. */
  public ThemeLookup(CassandraConnector connector, String keyspace, Broadcast<ThemeAssigner> assigner,
      long refreshMs) {
    this.connector = connector;
    this.keyspace = keyspace;
    this.assigner = assigner;
    this.refreshMs = refreshMs;
  }

  /**
   * The rows with their URL's theme appended (the URL at {@code urlIndex}); null when none is known
   * or the row is not a pageview (boolean at {@code pageviewIndex}): only pages get themes.
   */
  public Iterator<Row> withThemes(Iterator<Row> rows, int urlIndex, int pageviewIndex) {
    List<Row> out = new ArrayList<>();
    try (CqlSession session = connector.openSession()) {
      PreparedStatement read = session.prepare("SELECT theme FROM " + keyspace + ".url_themes WHERE url = ?");
      PreparedStatement write = session.prepare("INSERT INTO " + keyspace + ".url_themes (url, theme, score, "
          + "runner_up, runner_up_score, source, model_version, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      long now = System.currentTimeMillis();
      while (rows.hasNext()) {
        Row row = rows.next();
        String url = row.getString(urlIndex);
        Object[] values = new Object[row.size() + 1];
        for (int i = 0; i < row.size(); i++) {
          values[i] = row.get(i);
        }
        values[row.size()] = url == null || !row.getBoolean(pageviewIndex) ? null
            : theme(session, read, write, url, now);
        out.add(RowFactory.create(values));
      }
    }
    return out.iterator();
  }

  private String theme(CqlSession session, PreparedStatement read, PreparedStatement write, String url, long now) {
    String key = keyspace + "\u0001" + url;
    synchronized (CACHE) {
      Cached cached = CACHE.get(key);
      if (cached != null && cached.until() > now) {
        return cached.theme();
      }
    }
    com.datastax.oss.driver.api.core.cql.Row stored = session.execute(read.bind(url)).one();
    String theme = stored == null ? null : stored.getString(0);
    if (stored == null && assigner != null) {
      ThemeAssigner.Assignment a = assigner.value().assign(url);
      session.execute(write.bind(url, a.theme(), a.score(), a.runnerUp(), a.runnerUpScore(), a.source(),
          a.modelVersion(), Instant.ofEpochMilli(now)));
      theme = a.theme();
    }
    synchronized (CACHE) {
      CACHE.put(key, new Cached(theme, now + refreshMs));
    }
    return theme;
  }
}
