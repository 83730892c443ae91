package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.trailcast.aggregate.sessions.SessionEvent;
import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.ingest.Event;
import io.trailcast.models.TrailFeatures;
import io.trailcast.models.TrailScorer;
import io.trailcast.stream.FreshTrail;
import io.trailcast.stream.LiveEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A conversion score computed at request time from what Cassandra holds (the TrailDB design: the
 * trail is read where it is stored, and scored by the one {@link TrailScorer}):
 * <ol>
 *   <li>the user's newest day partition of {@code events_by_user}: today in the site time zone; when
 *       it is empty, the newest non-empty of yesterday, the day of the stream's watermark and the day
 *       of user_lifetime's {@code last_seen};
 *   <li>that day's events of the site of the user's newest event, sessionized by the batch rules;
 *       the last session is the one scored, with its pages' themes from {@code url_themes};
 *   <li>the history the stream builds for it ({@link FreshTrail}): user_lifetime when its
 *       {@code last_seen} is before the day's first event (the stream's rule); when the batch has
 *       already aggregated the day, user_lifetime without that day and later ones (user_daily), which
 *       is what the stream had loaded before the batch ran; plus the day's earlier human sessions.
 * </ol>
 * With the same events, the score equals the newest one the stream writes for that session.
 */
public final class FreshScorer {
  /** Most events of one day read for a user; more is a bot's day, not scored at request time. */
  static final int MAX_EVENTS = 20_000;
  private static final long THEME_KEEP_MS = 60_000;
  private static final int THEME_CACHE = 100_000;

  private record Theme(String theme, long until) {
  }

  private record DayRows(LocalDate day, List<Row> rows) {
  }

  /** user_lifetime's row of a user, as far as history needs it. */
  private record Lifetime(long sessions, long conversions, Instant lastSeen, Map<String, Long> themePageviews) {
  }

  private final Cql cql;
  private final SessionRules rules;
  private final ZoneId zone;
  private final StreamWatermark watermark;
  private final PreparedStatement events;
  private final PreparedStatement lifetime;
  private final PreparedStatement daysFrom;
  private final PreparedStatement dayBefore;
  private final PreparedStatement theme;
  private final Map<String, Theme> themes = new ConcurrentHashMap<>();

  /** Prepares its statements on {@code session} (bound to the keyspace); reads time out after {@code timeout}. */
  public FreshScorer(CqlSession session, SessionRules rules, Duration timeout) {
    this(new Cql(session, timeout), rules, null);
  }

  FreshScorer(Cql cql, SessionRules rules, StreamWatermark watermark) {
    this.cql = cql;
    this.rules = rules;
    this.zone = rules.zone();
    this.watermark = watermark == null ? new StreamWatermark(cql) : watermark;
    this.events = cql.prepare("SELECT site, ts, source, line, event_id, url, action, interactive, status, campaign, "
        + "search_query, bot, user_agent, referrer FROM events_by_user WHERE user_id = ? AND day = ? LIMIT "
        + (MAX_EVENTS + 1));
    this.lifetime = cql.prepare("SELECT sessions, conversions, last_seen, theme_pageviews FROM user_lifetime "
        + "WHERE user_id = ?");
    this.daysFrom = cql.prepare("SELECT sessions, conversions, theme_pageviews FROM user_daily "
        + "WHERE user_id = ? AND month = ? AND day >= ?");
    this.dayBefore = cql.prepare("SELECT last_event FROM user_daily WHERE user_id = ? AND month = ? AND day < ? "
        + "ORDER BY day DESC LIMIT 1");
    this.theme = cql.prepare("SELECT theme FROM url_themes WHERE url = ?");
  }

  /**
   * The score of {@code user}'s current session by {@code scorer}, as of now; a 404
   * {@link ServeException} when there is no day to read, the session is a bot's, or its trail is
   * under the model's minimum pageviews.
   */
  public ServeData.UserScore score(String user, TrailScorer scorer) {
    Instant now = Instant.now();
    LocalDate today = LocalDate.ofInstant(now, zone);
    CompletableFuture<AsyncResultSet> lifetimeRead = cql.start(lifetime, user);
    CompletableFuture<AsyncResultSet> todayRead = cql.start(events, user, today);
    Lifetime life = lifetime(Cql.await(lifetimeRead).one());
    TreeSet<LocalDate> days = new TreeSet<>(List.of(today, today.minusDays(1)));
    watermark.get().ifPresent(at -> days.add(LocalDate.ofInstant(at, zone)));
    if (life != null && life.lastSeen() != null) {
      days.add(LocalDate.ofInstant(life.lastSeen(), zone));
    }
    DayRows newestDay = newestDay(user, today, days, todayRead);
    LocalDate day = newestDay.day();
    List<Row> rows = newestDay.rows();
    List<SessionEvent> parsed = new ArrayList<>(rows.size());
    int newest = 0;
    for (Row r : rows) {
      parsed.add(event(r));
      if (SessionEvent.ORDER.compare(parsed.get(parsed.size() - 1), parsed.get(newest)) > 0) {
        newest = parsed.size() - 1;
      }
    }
    // The site the user is on now: the site of the newest event.
    String site = rows.get(newest).getString(0);
    List<LiveEvent> trail = new ArrayList<>(rows.size());
    List<String> agents = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      if (Objects.equals(rows.get(i).getString(0), site)) {
        trail.add(new LiveEvent(parsed.get(i), null, null));
        agents.add(rows.get(i).getString(12));
      }
    }
    Map<String, String> pageThemes = themes(trail);
    for (int i = 0; i < trail.size(); i++) {
      SessionEvent e = trail.get(i).event();
      trail.set(i, new LiveEvent(e, e.pageview() ? pageThemes.get(e.url()) : null, agents.get(i)));
    }
    long first = trail.stream().mapToLong(LiveEvent::ts).min().orElseThrow();
    FreshTrail.Current current = FreshTrail.of(rules, user, site, trail, prior(user, life, day, first),
        now.toEpochMilli());
    String id = current.session().sessionId();
    if (current.session().bot()) {
      throw ServeException.notFound("the newest session of user '" + user + "' (" + id + ") is a bot's: bots are "
          + "not scored");
    }
    TrailFeatures.Features features = scorer.trail(current.events(), current.history());
    if (features == null) {
      throw ServeException.notFound("the newest session of user '" + user + "' (" + id + ") has fewer than "
          + scorer.rules().minPageviews() + " pageviews before its trail's cut: no score with model "
          + scorer.version());
    }
    TrailScorer.Score score = scorer.score(features);
    return new ServeData.UserScore(user, id, Instant.ofEpochMilli(features.cutTs()), score.probability(),
        scorer.version(), score.topFeatures(), true);
  }

  /**
   * The rows of the newest non-empty day partition among {@code days}: today's (being read) first,
   * any later day (a clock behind the data) before it; the earlier days, read at once, only when
   * today's is empty. A 404 when every one is empty or holds more than {@link #MAX_EVENTS}.
   */
  private DayRows newestDay(String user, LocalDate today, TreeSet<LocalDate> days,
      CompletableFuture<AsyncResultSet> todayRead) {
    Map<LocalDate, CompletableFuture<AsyncResultSet>> reads = new LinkedHashMap<>();
    reads.put(today, todayRead);
    for (LocalDate d : days.tailSet(today, false)) {
      reads.put(d, cql.start(events, user, d));
    }
    for (LocalDate d : days.descendingSet()) {
      if (d.isBefore(today)) {
        days.headSet(d, true).forEach(x -> reads.computeIfAbsent(x, y -> cql.start(events, user, y)));
      }
      List<Row> rows = Cql.rows(reads.get(d), MAX_EVENTS);
      if (rows.size() > MAX_EVENTS) {
        throw ServeException.notFound("user '" + user + "' has more than " + MAX_EVENTS + " events on " + d
            + ": not scored at request time");
      }
      if (!rows.isEmpty()) {
        return new DayRows(d, rows);
      }
    }
    throw ServeException.notFound("no events of user '" + user + "' on " + days.descendingSet()
        + " (today, yesterday, the stream's watermark day and the last day aggregated, site time zone)");
  }

  /** What sessionization reads of an events_by_user row, as {@code Sessions.event} makes it. */
  static SessionEvent event(Row r) {
    boolean interactive = !r.isNull(7) && r.getBoolean(7);
    String action = r.getString(6);
    boolean pageview = !r.isNull(7) && !r.isNull(8) && Event.isPageview(interactive, r.getInt(8), action);
    return new SessionEvent(r.getInstant(1).toEpochMilli(), SessionEvent.position(r.getString(2), r.getLong(3)),
        r.getString(4), r.getString(5), action, interactive, pageview, r.getString(9), r.getString(10),
        !r.isNull(11) && r.getBoolean(11), r.getString(13));
  }

  /** The themes of the events' page URLs: cached for a minute, the others read in one round. */
  private Map<String, String> themes(List<LiveEvent> events) {
    Set<String> pages = new LinkedHashSet<>();
    for (LiveEvent e : events) {
      if (e.event().pageview() && e.event().url() != null) {
        pages.add(e.event().url());
      }
    }
    long now = System.currentTimeMillis();
    Map<String, String> out = new HashMap<>();
    Map<String, CompletableFuture<AsyncResultSet>> reads = new LinkedHashMap<>();
    for (String url : pages) {
      Theme known = themes.get(url);
      if (known != null && known.until() > now) {
        out.put(url, known.theme());
      } else {
        reads.put(url, cql.start(theme, url));
      }
    }
    if (themes.size() + reads.size() > THEME_CACHE) {
      themes.clear();
    }
    for (Map.Entry<String, CompletableFuture<AsyncResultSet>> read : reads.entrySet()) {
      Row row = Cql.await(read.getValue()).one();
      String found = row == null ? null : row.getString(0);
      out.put(read.getKey(), found);
      themes.put(read.getKey(), new Theme(found, now + THEME_KEEP_MS));
    }
    return out;
  }

  private static Lifetime lifetime(Row row) {
    if (row == null) {
      return null;
    }
    return new Lifetime(row.getLong(0), row.getLong(1), row.getInstant(2),
        row.isNull(3) ? Map.of() : row.getMap(3, String.class, Long.class));
  }

  /**
   * What the stream knows of the user before {@code day}, whose first event (of the site) is at
   * {@code first}: nothing without user_lifetime; user_lifetime when its last_seen is before that
   * event (the stream's own rule); else the batch has aggregated the day already, and what it knew
   * before: user_lifetime less its user_daily rows from the day on, the previous session ending at
   * the last event of the user's previous day (when within the month before: a longer gap counts as
   * the 30 days a trail's feature is capped at anyway).
   */
  private FreshTrail.Prior prior(String user, Lifetime life, LocalDate day, long first) {
    if (life == null || life.lastSeen() == null) {
      return FreshTrail.Prior.NONE;
    }
    if (life.lastSeen().toEpochMilli() < first) {
      return new FreshTrail.Prior(life.sessions(), life.conversions(), life.lastSeen().toEpochMilli(),
          life.themePageviews());
    }
    YearMonth from = YearMonth.from(day);
    YearMonth to = YearMonth.from(LocalDate.ofInstant(life.lastSeen(), zone));
    List<CompletableFuture<AsyncResultSet>> later = new ArrayList<>();
    for (YearMonth m = from; !m.isAfter(to) && later.size() < 3; m = m.plusMonths(1)) {
      later.add(cql.start(daysFrom, user, m.toString(), day));
    }
    CompletableFuture<AsyncResultSet> sameMonth = cql.start(dayBefore, user, from.toString(), day);
    CompletableFuture<AsyncResultSet> monthBefore = cql.start(dayBefore, user, from.minusMonths(1).toString(), day);
    long sessions = life.sessions();
    long conversions = life.conversions();
    Map<String, Long> themesBefore = new HashMap<>(life.themePageviews());
    for (CompletableFuture<AsyncResultSet> read : later) {
      for (Row r : Cql.rows(read, 1_000)) {
        sessions -= r.getLong(0);
        conversions -= r.getLong(1);
        if (!r.isNull(2)) {
          r.getMap(2, String.class, Long.class).forEach((t, n) -> themesBefore.merge(t, -n, Long::sum));
        }
      }
    }
    themesBefore.values().removeIf(n -> n <= 0);
    Row previous = Cql.await(sameMonth).one();
    Row earlier = Cql.await(monthBefore).one();
    previous = previous == null ? earlier : previous;
    long previousEnd = previous == null || previous.isNull(0) ? -1 : previous.getInstant(0).toEpochMilli();
    return new FreshTrail.Prior(Math.max(0, sessions), Math.max(0, conversions), previousEnd, themesBefore);
  }
}
