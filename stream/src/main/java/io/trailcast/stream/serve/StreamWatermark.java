package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.Optional;

/**
 * The streaming job's watermark (stream_status, the {@code live} query's row): where live data
 * stands. Read at most once a second, shared by every request; empty when no stream has run (or
 * before its first watermark, reported as the epoch).
 */
final class StreamWatermark {
  private static final long KEEP_MS = 1_000;

  private record Read(Instant watermark, long until) {
  }

  private final Cql cql;
  private final PreparedStatement read;
  private volatile Read last;

  StreamWatermark(Cql cql) {
    this.cql = cql;
    this.read = cql.prepare("SELECT watermark FROM stream_status WHERE query = 'live'");
  }

  Optional<Instant> get() {
    long now = System.currentTimeMillis();
    Read known = last;
    if (known == null || known.until() < now) {
      Row row = cql.one(read);
      Instant at = row == null || row.isNull(0) ? null : row.getInstant(0);
      known = new Read(at == null || at.toEpochMilli() <= 0 ? null : at, now + KEEP_MS);
      last = known;
    }
    return Optional.ofNullable(known.watermark());
  }
}
