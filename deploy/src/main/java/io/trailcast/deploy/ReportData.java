package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.models.ModelRegistry;
import io.trailcast.segments.SegmentDefinitions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the report shows for a window, read from the keyspace: a tree of maps and lists that the
 * page embeds as JSON and draws. Per-day figures are the rows {@code metrics} prints ({@link MetricsTables});
 * window figures per landing page and query are their sums; segment sizes are what {@code segments list}
 * and {@code segments show} print; the model's figures what {@code model show} prints.
 */
final class ReportData {
  /** Landing pages shown, by entries. */
  static final int TOP_PAGES = 15;
  /** Zero-click queries shown, by zero-click searches. */
  static final int TOP_QUERIES = 10;

  private ReportData() {
  }

  static Map<String, Object> read(CqlSession cql, String keyspace, LocalDate from, LocalDate to,
      List<SegmentDefinitions.Segment> segments, Map<String, Object> quality) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("keyspace", keyspace);
    data.put("from", from.toString());
    data.put("to", to.toString());
    data.put("sites", sites(cql, from, to));
    data.put("themes", themePageviews(cql, from, to));
    data.put("segments", segments(cql, from, to, segments));
    data.put("model", model(cql));
    data.put("quality", quality);
    return data;
  }

  /** Per site: its days, its top landing pages, depth distribution, search days and zero-click queries. */
  private static List<Map<String, Object>> sites(CqlSession cql, LocalDate from, LocalDate to) {
    Map<String, Site> bySite = new TreeMap<>();
    for (List<Object> row : MetricsTables.sessions(cql, from, to, null)) {
      site(bySite, row.get(1)).days.add(named(MetricsTables.SESSIONS, row));
    }
    for (List<Object> row : MetricsTables.pages(cql, from, to, null)) {
      Map<String, Object> r = named(MetricsTables.PAGES, row);
      Site site = site(bySite, r.get("site"));
      long[] sums = site.pages.computeIfAbsent((String) r.get("landing_page"), p -> new long[3]);
      sums[0] += (Long) r.get("sessions");
      sums[1] += (Long) r.get("bounces");
      sums[2] += (Long) r.get("engaged_sessions");
      List<?> depths = (List<?>) r.get("depth_counts");
      for (int i = 0; i < depths.size() && i < site.depth.length; i++) {
        site.depth[i] += (Long) depths.get(i);
      }
    }
    for (List<Object> row : MetricsTables.search(cql, from, to, null, true)) {
      Map<String, Object> r = named(MetricsTables.SEARCH, row);
      Site site = site(bySite, r.get("site"));
      if ("*".equals(r.get("query"))) {
        site.searchDays.add(r);
      } else {
        long[] sums = site.queries.computeIfAbsent((String) r.get("query"), q -> new long[2]);
        sums[0] += (Long) r.get("searches");
        sums[1] += (Long) r.get("zero_click_searches");
      }
    }
    List<Map<String, Object>> sites = new ArrayList<>();
    bySite.forEach((name, site) -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("site", name);
      out.put("days", site.days);
      out.put("pages", topPages(site.pages));
      out.put("depth", site.depth);
      out.put("search_days", site.searchDays);
      out.put("zero_click_queries", topZeroClick(site.queries));
      sites.add(out);
    });
    return sites;
  }

  /** What one site's rows add up to while they are read. */
  private static final class Site {
    final List<Map<String, Object>> days = new ArrayList<>();
    final Map<String, long[]> pages = new TreeMap<>();
    final long[] depth = new long[10];
    final List<Map<String, Object>> searchDays = new ArrayList<>();
    final Map<String, long[]> queries = new TreeMap<>();
  }

  private static Site site(Map<String, Site> bySite, Object name) {
    return bySite.computeIfAbsent((String) name, n -> new Site());
  }

  /** The window's landing pages with most entries: sums of the days' rows, rates of the sums. */
  private static List<Map<String, Object>> topPages(Map<String, long[]> byPage) {
    List<Map<String, Object>> pages = new ArrayList<>();
    byPage.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, long[]> e) -> -e.getValue()[0])
            .thenComparing(Map.Entry::getKey))
        .limit(TOP_PAGES)
        .forEach(e -> {
          long[] s = e.getValue();
          Map<String, Object> page = new LinkedHashMap<>();
          page.put("landing_page", e.getKey());
          page.put("sessions", s[0]);
          page.put("bounces", s[1]);
          page.put("bounce_rate", s[0] == 0 ? null : (double) s[1] / s[0]);
          page.put("engaged_sessions", s[2]);
          page.put("engaged_bounce_rate", s[0] == 0 ? null : 1 - (double) s[2] / s[0]);
          pages.add(page);
        });
    return pages;
  }

  private static List<Map<String, Object>> topZeroClick(Map<String, long[]> byQuery) {
    List<Map<String, Object>> queries = new ArrayList<>();
    byQuery.entrySet().stream()
        .filter(e -> e.getValue()[1] > 0)
        .sorted(Comparator.comparing((Map.Entry<String, long[]> e) -> -e.getValue()[1])
            .thenComparing(Map.Entry::getKey))
        .limit(TOP_QUERIES)
        .forEach(e -> {
          Map<String, Object> query = new LinkedHashMap<>();
          query.put("query", e.getKey());
          query.put("searches", e.getValue()[0]);
          query.put("zero_click_searches", e.getValue()[1]);
          queries.add(query);
        });
    return queries;
  }

  /** Pageviews per theme over the window, summed from {@code user_daily} ({@link UserDailyRows}). */
  static Map<String, Long> themePageviews(CqlSession cql, LocalDate from, LocalDate to) {
    Map<String, Long> themes = new TreeMap<>();
    UserDailyRows.forEach(cql, from, to, row -> row.getMap(2, String.class, Long.class)
        .forEach((theme, n) -> themes.merge(theme, n, Long::sum)));
    return themes;
  }

  /** Per defined segment: its latest size (as {@code segments list}) and its sizes in the window. */
  private static List<Map<String, Object>> segments(CqlSession cql, LocalDate from, LocalDate to,
      List<SegmentDefinitions.Segment> segments) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SegmentDefinitions.Segment s : segments) {
      Map<String, Object> segment = new LinkedHashMap<>();
      segment.put("segment", s.name());
      Row latest = cql.execute(SimpleStatement.newInstance(SegmentsCommand.LATEST_SIZE, s.name())).one();
      segment.put("day", latest == null ? null : latest.getLocalDate(0).toString());
      segment.put("members", latest == null ? null : latest.getLong(1));
      List<Map<String, Object>> sizes = new ArrayList<>();
      for (Row r : cql.execute(SimpleStatement.newInstance("SELECT day, members FROM segment_sizes WHERE segment = ? "
          + "AND day >= ? AND day <= ? ORDER BY day ASC", s.name(), from, to))) {
        sizes.add(Map.of("day", r.getLocalDate(0).toString(), "members", r.getLong(1)));
      }
      segment.put("sizes", sizes);
      out.add(segment);
    }
    return out;
  }

  /** The newest conversion model: its version, metrics and held-out curves (null when none was trained). */
  private static Map<String, Object> model(CqlSession cql) {
    List<ModelRegistry.Recorded> models = ModelRegistry.models(cql);
    if (models.isEmpty()) {
      return null;
    }
    ModelRegistry.Recorded newest = models.get(0);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("version", newest.version());
    model.put("metrics", newest.metrics());
    model.put("curves", newest.curves());
    return model;
  }

  private static Map<String, Object> named(List<String> columns, List<Object> row) {
    Map<String, Object> named = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      Object value = row.get(i);
      named.put(columns.get(i), value instanceof LocalDate day ? day.toString() : value);
    }
    return named;
  }
}
