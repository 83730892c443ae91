package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The live bounce of a landing page: the rows of {@code live_page_metrics} for the hour and the day
 * (site time zone, as the stream's windows start) that hold the stream's watermark, and the page's
 * {@code landing_recency} row, in one round of reads.
 */
final class LandingBounces {
  private final Cql cql;
  private final ZoneId zone;
  private final StreamWatermark watermark;
  private final PreparedStatement window;
  private final PreparedStatement recency;

  LandingBounces(Cql cql, ZoneId zone, StreamWatermark watermark) {
    this.cql = cql;
    this.zone = zone;
    this.watermark = watermark;
    this.window = cql.prepare("SELECT sessions, bounces, bounce_rate, engaged_sessions, engaged_bounce_rate, "
        + "avg_depth, updated_at FROM live_page_metrics WHERE site = ? AND grain = ? AND window_start = ? "
        + "AND landing_page = ?");
    this.recency = cql.prepare("SELECT recency_bounce_rate, sessions_seen, last_session_start FROM landing_recency "
        + "WHERE site = ? AND landing_page = ?");
  }

  /** The figures of {@code page} on {@code site} as of the watermark (else now), or empty when there is none. */
  Optional<ServeData.LandingBounce> of(String site, String page) {
    Optional<Instant> mark = watermark.get();
    Instant asOf = mark.orElseGet(Instant::now);
    Instant hour = hourStart(asOf, zone);
    Instant day = dayStart(asOf, zone);
    CompletableFuture<AsyncResultSet> hourRead = cql.start(window, site, "hour", hour, page);
    CompletableFuture<AsyncResultSet> dayRead = cql.start(window, site, "day", day, page);
    CompletableFuture<AsyncResultSet> recencyRead = cql.start(recency, site, page);
    ServeData.Window hourly = window(hour, Cql.await(hourRead).one());
    ServeData.Window daily = window(day, Cql.await(dayRead).one());
    Row r = Cql.await(recencyRead).one();
    ServeData.Recency recent = r == null ? null
        : new ServeData.Recency(rate(r, 0), r.isNull(1) ? 0 : r.getLong(1), r.getInstant(2));
    if (hourly == null && daily == null && recent == null) {
      return Optional.empty();
    }
    return Optional.of(new ServeData.LandingBounce(site, page, asOf, mark.isPresent(), hourly, daily, recent));
  }

  /** The start of the hour holding {@code at} in {@code zone} (a zone's hours need not start on UTC's). */
  static Instant hourStart(Instant at, ZoneId zone) {
    return io.trailcast.stream.LiveCounts.hourStart(at.toEpochMilli(), zone);
  }

  /** The start of the day holding {@code at} in {@code zone}. */
  static Instant dayStart(Instant at, ZoneId zone) {
    return LocalDate.ofInstant(at, zone).atStartOfDay(zone).toInstant();
  }

  private static ServeData.Window window(Instant start, Row r) {
    if (r == null) {
      return null;
    }
    return new ServeData.Window(start, r.isNull(0) ? 0 : r.getLong(0), r.isNull(1) ? 0 : r.getLong(1), rate(r, 2),
        r.isNull(3) ? 0 : r.getLong(3), rate(r, 4), rate(r, 5), r.getInstant(6));
  }

  private static Double rate(Row r, int column) {
    return r.isNull(column) ? null : r.getDouble(column);
  }
}
