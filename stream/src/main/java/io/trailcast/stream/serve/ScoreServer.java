package io.trailcast.stream.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.trailcast.stream.BoundedHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code trailcast serve}'s HTTP JSON API, on the JDK's HTTP server:
 * <ul>
 *   <li>{@code GET /v1/users/{user_id}/score}: the newest stored score; {@code ?fresh=true}: computed now
 *       from the user's stored events with the stream's scorer;
 *   <li>{@code GET /v1/landing-pages/bounce?url=U[&site=S]}: the live hour and day figures and the
 *       recency-weighted bounce of a landing page;
 *   <li>{@code GET /v1/experiments/{name}/variant?user=U}: the variant of a landing-page experiment for the
 *       site's visitor U, sticky and recorded;
 *   <li>{@code GET /health}.
 * </ul>
 * Every answer is JSON ({@code Content-Type: application/json}); an error is {@code {"error": reason}}:
 * 400 for a bad id or parameter, 404 for nothing to answer or an unknown path, 405 for a method other
 * than GET, 503 when Cassandra does not answer or the server is busy, 500 for anything else (logged).
 *
 * <p>Requests run on a {@link BoundedHttpServer}: a fixed pool of workers with a bounded queue, a
 * request answered 503 at once when both are full, and the request timeout for a client to send its
 * request and to take its answer, so slow clients cannot hold the workers.
 */
public final class ScoreServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USERS = "/v1/users/";
  private static final String SCORE = "/score";
  private static final String BOUNCE = "/v1/landing-pages/bounce";
  private static final String HEALTH = "/health";
  private static final String EXPERIMENTS = "/v1/experiments/";
  private static final String VARIANT = "/variant";
  private static final String ENDPOINTS = "GET /v1/users/{user_id}/score[?fresh=true], "
      + "GET /v1/landing-pages/bounce?url=U[&site=S], GET /v1/experiments/{name}/variant?user=U, GET /health";
  private static final long LOG_EVERY_MS = 10_000;

  // The defaults, declared once: `serve`'s flags show them, the demo and the tests use them.
  public static final String DEFAULT_THREADS = "16";
  public static final String DEFAULT_QUEUE = "256";

  /** The defaults: 16 workers, 256 waiting requests, 5 s to send a request and to take an answer. */
  public static BoundedHttpServer.Options options(String bind, int port) {
    return new BoundedHttpServer.Options(bind, port, Integer.parseInt(DEFAULT_THREADS), Integer.parseInt(DEFAULT_QUEUE),
        Duration.ofSeconds(5));
  }

  /** An answer: status, JSON body, extra headers. */
  private record Answer(int status, Map<String, Object> body, Map<String, String> headers) {
    static Answer ok(Map<String, Object> body) {
      return new Answer(200, body, Map.of());
    }

    static Answer error(int status, String reason) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", reason);
      return new Answer(status, body, Map.of());
    }
  }

  private final BoundedHttpServer http;
  private final ServeData data;
  private final AtomicLong lastLogged = new AtomicLong();
  private final AtomicLong lastFailureLogged = new AtomicLong();

  private ScoreServer(BoundedHttpServer http, ServeData data) {
    this.http = http;
    this.data = data;
  }

  /** Listens with {@code options} and answers from {@code data} until {@link #close()}. */
  public static ScoreServer start(ServeData data, BoundedHttpServer.Options options) throws IOException {
    ScoreServer serving = new ScoreServer(BoundedHttpServer.bind("serve", options), data);
    serving.http.start(serving::handle);
    return serving;
  }

  public int port() {
    return http.port();
  }

  public InetSocketAddress address() {
    return http.address();
  }

  /** Stops listening, lets requests in progress finish (up to a second), stops the workers. */
  @Override
  public void close() {
    http.close();
  }

  private void handle(HttpExchange exchange) {
    String refusal = http.refusal();
    Answer answer = refusal != null ? Answer.error(503, refusal)
        : answer(exchange.getRequestMethod(), exchange.getRequestURI());
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    BoundedHttpServer.answer(exchange, answer.status(), "application/json", body);
  }

  /** The answer to one request. */
  private Answer answer(String method, URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    try {
      Set<String> parameters;
      if (path.equals(HEALTH)) {
        parameters = Set.of();
      } else if (path.equals(BOUNCE)) {
        parameters = Set.of("url", "site");
      } else if (between(path, USERS, SCORE)) {
        parameters = Set.of("fresh");
      } else if (between(path, EXPERIMENTS, VARIANT)) {
        parameters = Set.of("user");
      } else {
        return Answer.error(404, "no such endpoint: " + Requests.shorten(path) + " (" + ENDPOINTS + ")");
      }
      if (!method.equals("GET")) {
        String reason = "method " + Requests.shorten(method) + " not allowed: only GET";
        return new Answer(405, Answer.error(405, reason).body(), Map.of("Allow", "GET"));
      }
      Map<String, String> params = Requests.parameters(uri.getRawQuery(), parameters);
      if (path.equals(HEALTH)) {
        return health();
      }
      if (path.equals(BOUNCE)) {
        return bounce(params);
      }
      if (path.startsWith(EXPERIMENTS)) {
        return variant(Requests.decode(path.substring(EXPERIMENTS.length(), path.length() - VARIANT.length()), false),
            params);
      }
      return score(Requests.decode(path.substring(USERS.length(), path.length() - SCORE.length()), false), params);
    } catch (ServeException e) {
      return Answer.error(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      if (ServeException.isCassandraDown(e)) {
        warnNowAndThen("Cassandra does not answer: {}", e);
        return Answer.error(503, "Cassandra does not answer: " + firstLine(e));
      }
      long now = System.currentTimeMillis();
      long last = lastFailureLogged.get();
      if (now - last >= LOG_EVERY_MS && lastFailureLogged.compareAndSet(last, now)) {
        LOG.warn("{} {} failed (the next failures within 10 s are not logged)", method, Requests.shorten(path), e);
      }
      return Answer.error(500, "internal error (logged by the server)");
    }
  }

  /** {@code prefix}{one segment}{@code suffix}: a path naming one thing between them. */
  private static boolean between(String path, String prefix, String suffix) {
    return path.startsWith(prefix) && path.endsWith(suffix) && path.length() >= prefix.length() + suffix.length()
        && path.indexOf('/', prefix.length()) == path.length() - suffix.length();
  }

  private Answer variant(String experiment, Map<String, String> params) {
    Requests.checkName(experiment, "experiment", Requests.MAX_ID);
    String user = params.get("user");
    if (user == null) {
      throw ServeException.badRequest("missing parameter user (the site's visitor id, e.g. its cookie)");
    }
    Requests.checkName(user, "user", Requests.MAX_ID);
    ServeData.Assignment a = data.variant(experiment, user);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("experiment", a.experiment());
    body.put("user_id", a.userId());
    body.put("variant", a.variant());
    body.put("url", a.url());
    body.put("assigned_at", text(a.assignedAt()));
    body.put("weight", number(a.weight()));
    body.put("new", a.isNew());
    return Answer.ok(body);
  }

  private Answer score(String user, Map<String, String> params) {
    Requests.checkName(user, "user id", Requests.MAX_ID);
    String fresh = params.get("fresh");
    if (fresh != null && !fresh.equals("true") && !fresh.equals("false")) {
      throw ServeException.badRequest("fresh must be true or false, not '" + Requests.shorten(fresh) + "'");
    }
    ServeData.UserScore score = "true".equals(fresh) ? data.freshScore(user)
        : data.storedScore(user).orElseThrow(() -> ServeException.notFound("no conversion score for user '" + user
            + "'"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user_id", score.userId());
    body.put("score", number(score.score()));
    body.put("scored_at", text(score.scoredAt()));
    body.put("model_version", score.modelVersion());
    body.put("top_features", score.topFeatures());
    body.put("session_id", score.sessionId());
    body.put("fresh", score.fresh());
    return Answer.ok(body);
  }

  private Answer bounce(Map<String, String> params) {
    String url = params.get("url");
    if (url == null) {
      throw ServeException.badRequest("missing parameter url (the landing page as host/path?query)");
    }
    Requests.checkName(url, "url", Requests.MAX_URL);
    String site = params.containsKey("site") ? params.get("site") : data.defaultSite();
    Requests.checkName(site, "site", Requests.MAX_ID);
    ServeData.LandingBounce found = data.landingBounce(site, url).orElseThrow(() -> ServeException.notFound(
        "no live figures for landing page '" + Requests.shorten(url) + "' of site '" + site + "'"
            + (url.contains("://") ? " (landing pages are stored without a scheme: host/path?query)" : "")));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("site", found.site());
    body.put("landing_page", found.landingPage());
    body.put("as_of", text(found.asOf()));
    body.put("as_of_source", found.watermark() ? "watermark" : "now");
    body.put("hour", window(found.hour()));
    body.put("day", window(found.day()));
    Map<String, Object> recency = null;
    if (found.recency() != null) {
      recency = new LinkedHashMap<>();
      recency.put("recency_bounce_rate", number(found.recency().recencyBounceRate()));
      recency.put("sessions_seen", found.recency().sessionsSeen());
      recency.put("last_session_start", text(found.recency().lastSessionStart()));
    }
    body.put("recency", recency);
    return Answer.ok(body);
  }

  private static Map<String, Object> window(ServeData.Window w) {
    if (w == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("window_start", text(w.start()));
    out.put("sessions", w.sessions());
    out.put("bounces", w.bounces());
    out.put("bounce_rate", number(w.bounceRate()));
    out.put("engaged_sessions", w.engagedSessions());
    out.put("engaged_bounce_rate", number(w.engagedBounceRate()));
    out.put("avg_depth", number(w.avgDepth()));
    out.put("updated_at", text(w.updatedAt()));
    return out;
  }

  private Answer health() {
    Map<String, Object> body = new LinkedHashMap<>();
    try {
      ServeData.Health health = data.health();
      body.put("status", "ok");
      body.put("keyspace", health.keyspace());
      body.put("model_version", health.modelVersion());
      return Answer.ok(body);
    } catch (RuntimeException e) {
      warnNowAndThen("health check failed: {}", e);
      body.put("status", "unavailable");
      body.put("error", "Cassandra does not answer: " + firstLine(e));
      return new Answer(503, body, Map.of());
    }
  }

  private void warnNowAndThen(String message, RuntimeException e) {
    long now = System.currentTimeMillis();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
      LOG.warn(message, firstLine(e));
    }
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(e.getClass().getSimpleName());
  }

  private static Double number(Double x) {
    return x == null || x.isNaN() || x.isInfinite() ? null : x;
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
