package io.trailcast.stream;

import io.trailcast.aggregate.sessions.Session;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;

/**
 * What one session adds to the live metrics: counts per event-time window (the day and the hour of
 * its start, in the site time zone) and per landing page or search query, the sums that the batch
 * {@link io.trailcast.aggregate.Metrics} aggregates (bounce rate and CTR are ratios of them). A
 * session that changes is retracted (its old counts with sign −1) and added again, so the live
 * figures are always those of the sessions as they now stand.
 */
public final class LiveCounts {
  /** Which table a count goes to. */
  public enum Table { PAGES, SEARCH }

  /**
   * One row of live_page_metrics ({@code dimension} = landing page) or live_search_metrics
   * ({@code dimension} = query, {@code *} for all).
   */
  public record Key(Table table, String site, String grain, long windowStart, String dimension)
      implements Serializable {
  }

  /** A key and what it changes by (in the order of {@link #PAGE_FIELDS} or {@link #SEARCH_FIELDS}). */
  public record Delta(Key key, long[] counts) implements Serializable {
  }

  public static final int DEPTH_BUCKETS = 10;
  /**
   * live_page_metrics' counts: {@code rows} counts every session with a pageview (bots too): the
   * row exists while it is above zero, as in the batch grouping; depth counts follow (1..9, 10+).
   */
  public static final String[] PAGE_FIELDS = {"rows", "sessions", "bounces", "engaged_sessions", "depth_sum",
      "bot_sessions"};
  static final int PAGE_WIDTH = PAGE_FIELDS.length + DEPTH_BUCKETS;
  /** live_search_metrics' counts: {@code rows} is human sessions for {@code *}, searches for a query. */
  public static final String[] SEARCH_FIELDS = {"rows", "searches", "searches_with_click", "clicks",
      "search_exits"};

  private LiveCounts() {
  }

  /** Adds {@code sign} (1 or −1) times the counts of {@code s} into {@code into}. */
  public static void add(Map<Key, long[]> into, Session s, int sign, ZoneId zone) {
    long day = s.day().atStartOfDay(zone).toInstant().toEpochMilli();
    long hour = hourStart(s.start(), zone).toEpochMilli();
    for (int g = 0; g < 2; g++) {
      String grain = g == 0 ? "day" : "hour";
      long window = g == 0 ? day : hour;
      if (s.depth() >= 1 && s.landingPage() != null) {
        long[] page = new long[PAGE_WIDTH];
        page[0] = 1;
        if (s.bot()) {
          page[5] = 1;
        } else {
          page[1] = 1;
          page[2] = s.bounced() ? 1 : 0;
          page[3] = s.engaged() ? 1 : 0;
          page[4] = s.depth();
          page[PAGE_FIELDS.length + Math.min(s.depth(), DEPTH_BUCKETS) - 1] = 1;
        }
        merge(into, new Key(Table.PAGES, s.site(), grain, window, s.landingPage()), page, sign);
      }
      if (s.bot()) {
        continue;
      }
      merge(into, new Key(Table.SEARCH, s.site(), grain, window, "*"),
          new long[] {1, s.searches(), s.searchesWithClick(), s.clicks(), s.searchExit() ? 1 : 0}, sign);
      for (Session.SearchOutcome search : s.searchOutcomes()) {
        merge(into, new Key(Table.SEARCH, s.site(), grain, window, search.query()),
            new long[] {1, 1, search.clicks() > 0 ? 1 : 0, search.clicks(), search.exit() ? 1 : 0}, sign);
      }
    }
  }

  /**
   * The start of the hour of the site time zone holding {@code ts}: the local time truncated to
   * the hour, the earlier offset when that local time occurs twice (as Spark's
   * {@code to_utc_timestamp(date_trunc('HOUR', from_utc_timestamp(ts, zone)), zone)}).
   */
  public static Instant hourStart(long ts, ZoneId zone) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(ts), zone).truncatedTo(ChronoUnit.HOURS).atZone(zone)
        .toInstant();
  }

  /** Adds {@code sign × counts} to the key's counts; a key whose counts come to zero leaves the map. */
  public static void merge(Map<Key, long[]> into, Key key, long[] counts, int sign) {
    long[] sum = into.get(key);
    if (sum == null) {
      sum = new long[counts.length];
      into.put(key, sum);
    }
    for (int i = 0; i < counts.length; i++) {
      sum[i] += sign * counts[i];
    }
    if (Arrays.stream(sum).allMatch(v -> v == 0)) {
      into.remove(key);
    }
  }
}
