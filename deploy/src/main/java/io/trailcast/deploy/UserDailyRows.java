package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.trailcast.ingest.EventDays;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The {@code user_daily} rows (day, pageviews, theme_pageviews) of a window, read from the driver: the
 * window's users from {@code event_days}, then one partition read per user and month, a bounded number
 * in flight. For the report and {@code quality}, which need a few figures of every user of a day.
 */
final class UserDailyRows {
  private static final int IN_FLIGHT = 64;

  private UserDailyRows() {
  }

  /** Calls {@code each} with every row (day, pageviews, theme_pageviews) of {@code from..to}. */
  static void forEach(CqlSession cql, LocalDate from, LocalDate to, Consumer<Row> each) {
    Set<String> users = new HashSet<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      for (int bucket = 0; bucket < EventDays.BUCKETS; bucket++) {
        for (Row row : cql.execute(SimpleStatement.newInstance(
            "SELECT user_id FROM event_days WHERE day = ? AND bucket = ?", day, bucket))) {
          users.add(row.getString(0));
        }
      }
    }
    List<CompletionStage<AsyncResultSet>> inFlight = new ArrayList<>();
    for (String user : users) {
      for (YearMonth month = YearMonth.from(from); !month.isAfter(YearMonth.from(to)); month = month.plusMonths(1)) {
        inFlight.add(cql.executeAsync(SimpleStatement.newInstance("SELECT day, pageviews, theme_pageviews "
            + "FROM user_daily WHERE user_id = ? AND month = ? AND day >= ? AND day <= ?", user, month.toString(),
            from, to)));
        if (inFlight.size() >= IN_FLIGHT) {
          drain(inFlight, each);
        }
      }
    }
    drain(inFlight, each);
  }

  private static void drain(List<CompletionStage<AsyncResultSet>> inFlight, Consumer<Row> each) {
    for (CompletionStage<AsyncResultSet> stage : inFlight) {
      // A user's days of one month fit in the first page (at most 31 rows).
      stage.toCompletableFuture().join().currentPage().forEach(each);
    }
    inFlight.clear();
  }
}
