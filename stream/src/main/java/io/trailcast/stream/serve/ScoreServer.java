package io.trailcast.stream.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <li>{@code GET /health}.
 * </ul>
 * Every answer is JSON ({@code Content-Type: application/json}); an error is {@code {"error": reason}}:
 * 400 for a bad id or parameter, 404 for nothing to answer or an unknown path, 405 for a method other
 * than GET, 503 when Cassandra does not answer or the server is busy, 500 for anything else (logged).
 *
 * <p>Requests run on a fixed pool of workers with a bounded queue; when both are full, a request is
 * answered 503 at once by a single thread of its own instead of waiting. A client has the request
 * timeout to send its request and to take its answer (the JDK server's {@code maxReqTime} and
 * {@code maxRspTime}), so slow clients cannot hold the workers.
 */
public final class ScoreServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USERS = "/v1/users/";
  private static final String SCORE = "/score";
  private static final String BOUNCE = "/v1/landing-pages/bounce";
  private static final String HEALTH = "/health";
  private static final String ENDPOINTS = "GET /v1/users/{user_id}/score[?fresh=true], "
      + "GET /v1/landing-pages/bounce?url=U[&site=S], GET /health";
  private static final long LOG_EVERY_MS = 10_000;

  /**
   * How the server listens: address and port (0: any free one), worker threads, requests that may
   * wait for one, and the time a client has to send its request and to take its answer (whole seconds).
   */
  public record Options(String bind, int port, int threads, int queue, Duration requestTimeout) {
    public Options {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
      }
      if (threads < 1 || queue < 0) {
        throw new IllegalArgumentException("threads must be at least 1 and the queue at least 0");
      }
      if (requestTimeout.toSeconds() < 1) {
        throw new IllegalArgumentException("the request timeout must be at least one second");
      }
    }

    /** 16 workers, 256 waiting requests, 5 s to send a request and to take an answer. */
    public static Options of(String bind, int port) {
      return new Options(bind, port, 16, 256, Duration.ofSeconds(5));
    }

    public Options withThreads(int newThreads) {
      return new Options(bind, port, newThreads, queue, requestTimeout);
    }

    public Options withQueue(int newQueue) {
      return new Options(bind, port, threads, newQueue, requestTimeout);
    }
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

  /** The thread that answers 503 when every worker is busy and the queue is full. */
  private static final class Shedding extends Thread {
    Shedding(Runnable task) {
      super(task, "serve-busy");
      setDaemon(true);
    }
  }

  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final ThreadPoolExecutor shedding;
  private final ServeData data;
  private final AtomicLong lastLogged = new AtomicLong();
  private final AtomicLong lastFailureLogged = new AtomicLong();

  private ScoreServer(HttpServer server, ThreadPoolExecutor workers, ThreadPoolExecutor shedding, ServeData data) {
    this.server = server;
    this.workers = workers;
    this.shedding = shedding;
    this.data = data;
  }

  /** Listens with {@code options} and answers from {@code data} until {@link #close()}. */
  public static ScoreServer start(ServeData data, Options options) throws IOException {
    limitRequestTimes(options.requestTimeout());
    ThreadPoolExecutor shedding = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(64), Shedding::new, new ThreadPoolExecutor.AbortPolicy());
    AtomicInteger ids = new AtomicInteger();
    BlockingQueue<Runnable> queue = options.queue() == 0 ? new SynchronousQueue<>()
        : new ArrayBlockingQueue<>(options.queue());
    // A rejected request is parsed and answered 503 by the shedding thread; when that one is
    // swamped too, the JDK server closes the connection.
    ThreadPoolExecutor workers = new ThreadPoolExecutor(options.threads(), options.threads(), 0,
        TimeUnit.MILLISECONDS, queue, task -> {
          Thread t = new Thread(task, "serve-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, (task, pool) -> {
          if (shedding.isShutdown()) {
            throw new RejectedExecutionException("the server is stopping");
          }
          shedding.execute(task);
        });
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 1024);
    } catch (IOException e) {
      workers.shutdown();
      shedding.shutdown();
      throw e;
    }
    ScoreServer serving = new ScoreServer(server, workers, shedding, data);
    server.createContext("/", serving::handle);
    server.setExecutor(workers);
    server.start();
    return serving;
  }

  /**
   * The JDK server reads its time limits once per JVM, when it first starts one: a limit set with
   * {@code -Dsun.net.httpserver.maxReqTime}/{@code maxRspTime} (seconds) wins over {@code timeout}.
   */
  private static void limitRequestTimes(Duration timeout) {
    String seconds = Long.toString(timeout.toSeconds());
    for (String property : List.of("sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime")) {
      if (System.getProperty(property) == null) {
        System.setProperty(property, seconds);
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops listening, lets requests in progress finish (up to a second), stops the workers. */
  @Override
  public void close() {
    // The JDK 17 server waits the whole delay when no exchange is in progress: no delay then.
    boolean busy = workers.getActiveCount() > 0 || !workers.getQueue().isEmpty();
    server.stop(busy ? 1 : 0);
    workers.shutdown();
    shedding.shutdown();
    try {
      workers.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) {
    Answer answer = Thread.currentThread() instanceof Shedding
        ? Answer.error(503, "busy: every worker is taken and " + workers.getQueue().size() + " requests wait; retry")
        : answer(exchange.getRequestMethod(), exchange.getRequestURI());
    try (exchange) {
      byte[] body = JSON.writeValueAsBytes(answer.body());
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      // A HEAD request gets the headers only (the JDK server sends no body for it).
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(answer.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      // The client went away (or took too long): nobody is left to answer.
      LOG.debug("answer to {} not sent: {}", exchange.getRequestURI(), e.toString());
    }
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
      } else if (path.startsWith(USERS) && path.endsWith(SCORE) && path.length() >= USERS.length() + SCORE.length()
          && path.indexOf('/', USERS.length()) == path.length() - SCORE.length()) {
        parameters = Set.of("fresh");
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
