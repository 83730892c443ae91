package io.trailcast.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.trailcast.enrich.themes.ThemeAssigner;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;

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

  private final String keyspace;
  private final Broadcast<ThemeAssigner> assigner;
  private final long refreshMs;

  /** {@code assigner}: the current vectors' assigner, or null when there is no vectors model. */
  public ThemeLookup(String keyspace, Broadcast<ThemeAssigner> assigner, long refreshMs) {
    this.keyspace = keyspace;
    this.assigner = assigner;
    this.refreshMs = refreshMs;
  }

  /**
   * The themes of {@code urls} (page URLs): from this executor's cache, else {@code url_themes}
   * read in one round of asynchronous queries, else scored with the current vectors and written
   * there; a URL with no theme maps to null.
   */
  public Map<String, String> themes(CqlSession session, java.util.Collection<String> urls) {
    long now = System.currentTimeMillis();
    Map<String, String> out = new java.util.HashMap<>();
    List<String> missing = new ArrayList<>();
    synchronized (CACHE) {
      for (String url : urls) {
        Cached cached = CACHE.get(keyspace + "\u0001" + url);
        if (cached != null && cached.until() > now) {
          out.put(url, cached.theme());
        } else {
          missing.add(url);
        }
      }
    }
    if (missing.isEmpty()) {
      return out;
    }
    PreparedStatement read = session.prepare("SELECT theme FROM " + keyspace + ".url_themes WHERE url = ?");
    PreparedStatement write = session.prepare("INSERT INTO " + keyspace + ".url_themes (url, theme, score, "
        + "runner_up, runner_up_score, source, model_version, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    List<com.datastax.oss.driver.api.core.cql.BoundStatement> reads = new ArrayList<>(missing.size());
    for (String url : missing) {
      reads.add(read.bind(url));
    }
    List<com.datastax.oss.driver.api.core.cql.Row> rows = AsyncQueries.firstRows(session, reads);
    for (int i = 0; i < missing.size(); i++) {
      String url = missing.get(i);
      com.datastax.oss.driver.api.core.cql.Row stored = rows.get(i);
      String theme = stored == null ? null : stored.getString(0);
      if (stored == null && assigner != null) {
        ThemeAssigner.Assignment a = assigner.value().assign(url);
        session.execute(write.bind(url, a.theme(), a.score(), a.runnerUp(), a.runnerUpScore(), a.source(),
            a.modelVersion(), Instant.ofEpochMilli(now)));
        theme = a.theme();
      }
      out.put(url, theme);
      synchronized (CACHE) {
        CACHE.put(keyspace + "\u0001" + url, new Cached(theme, now + refreshMs));
      }
    }
    return out;
  }
}
