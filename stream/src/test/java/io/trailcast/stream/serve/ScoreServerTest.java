package io.trailcast.stream.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import io.trailcast.stream.BoundedHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP side of serve: routes, validation, status codes and the exact JSON, over in-memory data. */
class ScoreServerTest {
  private static final Instant AT = Instant.parse("2026-01-05T10:00:00Z");
  /** One second for a client to send its request: the JDK server reads it once per JVM. */
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final ServeData.UserScore STORED = new ServeData.UserScore("u1", "u1@1767607200000", AT, 0.25,
      "m1", List.of("log_pageviews +0.420", "themes=shoes +0.130", "hour_cos -0.050"), false);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Data data = new Data();
  private ScoreServer server;

  /** What the server answers from: plain values, a failure to throw, a latch to hold a request on. */
  private static final class Data implements ServeData {
    final Map<String, UserScore> stored = new HashMap<>();
    final Map<String, UserScore> fresh = new HashMap<>();
    final Map<String, LandingBounce> pages = new HashMap<>();
    volatile RuntimeException failure;
    volatile CountDownLatch entered;
    volatile CountDownLatch hold;
    volatile String lastUser;

    private void check() {
      if (entered != null) {
        entered.countDown();
      }
      if (hold != null) {
        try {
          hold.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public Optional<UserScore> storedScore(String user) {
      check();
      lastUser = user;
      return Optional.ofNullable(stored.get(user));
    }

    @Override
    public UserScore freshScore(String user) {
      check();
      UserScore score = fresh.get(user);
      if (score == null) {
        throw ServeException.notFound("the newest session of user '" + user + "' is a bot's");
      }
      return score;
    }

    @Override
    public Optional<LandingBounce> landingBounce(String site, String landingPage) {
      check();
      return Optional.ofNullable(pages.get(site + " " + landingPage));
    }

    @Override
    public Assignment variant(String experiment, String user) {
      check();
      if (!experiment.equals("home hero")) {
        return ServeData.super.variant(experiment, user);
      }
      return new Assignment(experiment, "c:" + user.length(), "b", "/?hero=b", AT, 0.25, user.startsWith("new"));
    }

    @Override
    public String defaultSite() {
      return "shop";
    }

    @Override
    public Health health() {
      check();
      return new Health("ks", "m1");
    }
  }

  private ScoreServer start(int threads, int queue) throws IOException {
    server = ScoreServer.start(data, new BoundedHttpServer.Options("127.0.0.1", 0, threads, queue, TIMEOUT));
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return send("GET", pathAndQuery);
  }

  private HttpResponse<String> send(String method, String pathAndQuery) throws IOException, InterruptedException {
    if (server == null) {
      start(4, 16);
    }
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertAnswer(int status, String json, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(json, response.body());
    assertEquals(Optional.of("application/json"), response.headers().firstValue("Content-Type"));
  }

  @Test
  void theStoredScoreAsJson() throws Exception {
    data.stored.put("u1", STORED);
    assertAnswer(200, "{\"user_id\":\"u1\",\"score\":0.25,\"scored_at\":\"2026-01-05T10:00:00Z\","
        + "\"model_version\":\"m1\",\"top_features\":[\"log_pageviews +0.420\",\"themes=shoes +0.130\","
        + "\"hour_cos -0.050\"],\"session_id\":\"u1@1767607200000\",\"fresh\":false}", get("/v1/users/u1/score"));
    assertEquals(200, get("/v1/users/u1/score?fresh=false").statusCode());
    assertAnswer(404, "{\"error\":\"no conversion score for user 'u2'\"}", get("/v1/users/u2/score"));
  }

  @Test
  void aFreshScoreOrWhyThereIsNone() throws Exception {
    data.fresh.put("u1", new ServeData.UserScore("u1", "u1@7", AT.plusSeconds(3), 0.5, "m2", List.of(), true));
    assertAnswer(200, "{\"user_id\":\"u1\",\"score\":0.5,\"scored_at\":\"2026-01-05T10:00:03Z\","
        + "\"model_version\":\"m2\",\"top_features\":[],\"session_id\":\"u1@7\",\"fresh\":true}",
        get("/v1/users/u1/score?fresh=true"));
    assertAnswer(404, "{\"error\":\"the newest session of user 'bot' is a bot's\"}",
        get("/v1/users/bot/score?fresh=true"));
    data.failure = ServeException.unavailable("no model to score with: no conversion model recorded yet");
    assertAnswer(503, "{\"error\":\"no model to score with: no conversion model recorded yet\"}",
        get("/v1/users/u1/score?fresh=true"));
  }

  @Test
  void userIdsAreDecodedAndChecked() throws Exception {
    data.stored.put("a/b é", STORED);
    assertEquals(200, get("/v1/users/a%2Fb%20%C3%A9/score").statusCode(), "an encoded slash belongs to the id");
    assertEquals("a/b é", data.lastUser);
    assertEquals(404, get("/v1/users/" + "x".repeat(200) + "/score").statusCode(), "200 characters are taken");
    assertAnswer(400, "{\"error\":\"empty user id\"}", get("/v1/users//score"));
    assertAnswer(400, "{\"error\":\"user id longer than 200 characters\"}",
        get("/v1/users/" + "x".repeat(201) + "/score"));
    assertAnswer(400, "{\"error\":\"user id holds a control character (U+0001)\"}", get("/v1/users/a%01b/score"));
    assertAnswer(400, "{\"error\":\"'%ff' is not UTF-8 once percent-decoded\"}", get("/v1/users/%ff/score"));
  }

  @Test
  void percentDecoding() {
    assertEquals("a b+c/é", Requests.decode("a%20b+c%2F%C3%A9", false));
    assertEquals("a b c", Requests.decode("a+b%20c", true));
    assertEquals("é", Requests.decode("\u00c3\u00a9", false), "unescaped bytes, as the server reads them");
    assertEquals("malformed percent-encoding in 'a%zz'",
        assertThrows(ServeException.class, () -> Requests.decode("a%zz", false)).getMessage());
    assertEquals(400, assertThrows(ServeException.class, () -> Requests.decode("a%2", false)).status());
    assertEquals(400, assertThrows(ServeException.class, () -> Requests.decode("%C3", false)).status());
  }

  @Test
  void parametersAreChecked() throws Exception {
    data.stored.put("u1", STORED);
    assertAnswer(400, "{\"error\":\"fresh must be true or false, not 'yes'\"}", get("/v1/users/u1/score?fresh=yes"));
    assertAnswer(400, "{\"error\":\"fresh must be true or false, not ''\"}", get("/v1/users/u1/score?fresh"));
    assertAnswer(400, "{\"error\":\"unknown parameter 'frsh' (known: fresh)\"}",
        get("/v1/users/u1/score?frsh=true"));
    assertAnswer(400, "{\"error\":\"parameter fresh given twice\"}",
        get("/v1/users/u1/score?fresh=true&fresh=false"));
    assertAnswer(400, "{\"error\":\"unknown parameter 'verbose' (this endpoint takes none)\"}",
        get("/health?verbose=1"));
  }

  @Test
  void aVisitorsVariantOfAnExperiment() throws Exception {
    assertAnswer(200, "{\"experiment\":\"home hero\",\"user_id\":\"c:6\",\"variant\":\"b\",\"url\":\"/?hero=b\","
        + "\"assigned_at\":\"2026-01-05T10:00:00Z\",\"weight\":0.25,\"new\":true}",
        get("/v1/experiments/home%20hero/variant?user=new+ab"));
    assertAnswer(200, "{\"experiment\":\"home hero\",\"user_id\":\"c:3\",\"variant\":\"b\",\"url\":\"/?hero=b\","
        + "\"assigned_at\":\"2026-01-05T10:00:00Z\",\"weight\":0.25,\"new\":false}",
        get("/v1/experiments/home%20hero/variant?user=old"));
    assertAnswer(404, "{\"error\":\"no experiment 'pricing' (this server runs none)\"}",
        get("/v1/experiments/pricing/variant?user=u1"));
    assertAnswer(400, "{\"error\":\"missing parameter user (the site's visitor id, e.g. its cookie)\"}",
        get("/v1/experiments/pricing/variant"));
    assertAnswer(400, "{\"error\":\"empty user\"}", get("/v1/experiments/pricing/variant?user="));
    assertAnswer(400, "{\"error\":\"unknown parameter 'fresh' (known: user)\"}",
        get("/v1/experiments/pricing/variant?user=u&fresh=true"));
  }

  @Test
  void unknownPathsAndOtherMethods() throws Exception {
    String endpoints = " (GET /v1/users/{user_id}/score[?fresh=true], GET /v1/landing-pages/bounce?url=U[&site=S], "
        + "GET /v1/experiments/{name}/variant?user=U, GET /health)";
    assertAnswer(404, "{\"error\":\"no such endpoint: /v1/users/u1/score/" + endpoints + "\"}",
        get("/v1/users/u1/score/"));
    assertAnswer(404, "{\"error\":\"no such endpoint: /v1/users/a/b/score" + endpoints + "\"}",
        get("/v1/users/a/b/score"));
    assertAnswer(404, "{\"error\":\"no such endpoint: /" + endpoints + "\"}", get("/"));
    HttpResponse<String> post = send("POST", "/v1/users/u1/score");
    assertAnswer(405, "{\"error\":\"method POST not allowed: only GET\"}", post);
    assertEquals(Optional.of("GET"), post.headers().firstValue("Allow"));
    HttpResponse<String> head = send("HEAD", "/health");
    assertEquals(405, head.statusCode());
    assertEquals("", head.body());
  }

  @Test
  void theLiveBounceOfALandingPage() throws Exception {
    ServeData.Window hour = new ServeData.Window(AT, 4, 1, 0.25, 3, 0.25, 2.5, AT.plusSeconds(60));
    ServeData.Window day = new ServeData.Window(AT.minusSeconds(36_000), 10, 5, 0.5, 6, 0.4, null, null);
    data.pages.put("shop shop.example/shoes?q=red shoes", new ServeData.LandingBounce("shop",
        "shop.example/shoes?q=red shoes", AT.plusSeconds(600), true, hour, day,
        new ServeData.Recency(0.375, 120, AT)));
    assertAnswer(200, "{\"site\":\"shop\",\"landing_page\":\"shop.example/shoes?q=red shoes\","
        + "\"as_of\":\"2026-01-05T10:10:00Z\",\"as_of_source\":\"watermark\","
        + "\"hour\":{\"window_start\":\"2026-01-05T10:00:00Z\",\"sessions\":4,\"bounces\":1,\"bounce_rate\":0.25,"
        + "\"engaged_sessions\":3,\"engaged_bounce_rate\":0.25,\"avg_depth\":2.5,"
        + "\"updated_at\":\"2026-01-05T10:01:00Z\"},"
        + "\"day\":{\"window_start\":\"2026-01-05T00:00:00Z\",\"sessions\":10,\"bounces\":5,\"bounce_rate\":0.5,"
        + "\"engaged_sessions\":6,\"engaged_bounce_rate\":0.4,\"avg_depth\":null,\"updated_at\":null},"
        + "\"recency\":{\"recency_bounce_rate\":0.375,\"sessions_seen\":120,"
        + "\"last_session_start\":\"2026-01-05T10:00:00Z\"}}",
        get("/v1/landing-pages/bounce?url=shop.example%2Fshoes%3Fq%3Dred+shoes"));
    data.pages.put("other shop.example/", new ServeData.LandingBounce("other", "shop.example/", AT, false, null,
        null, new ServeData.Recency(null, 0, null)));
    assertAnswer(200, "{\"site\":\"other\",\"landing_page\":\"shop.example/\",\"as_of\":\"2026-01-05T10:00:00Z\","
        + "\"as_of_source\":\"now\",\"hour\":null,\"day\":null,\"recency\":{\"recency_bounce_rate\":null,"
        + "\"sessions_seen\":0,\"last_session_start\":null}}",
        get("/v1/landing-pages/bounce?site=other&url=shop.example/"));
    assertAnswer(404, "{\"error\":\"no live figures for landing page 'https://shop.example/' of site 'shop' "
        + "(landing pages are stored without a scheme: host/path?query)\"}",
        get("/v1/landing-pages/bounce?url=https://shop.example/"));
    assertAnswer(400, "{\"error\":\"missing parameter url (the landing page as host/path?query)\"}",
        get("/v1/landing-pages/bounce"));
    assertAnswer(400, "{\"error\":\"empty url\"}", get("/v1/landing-pages/bounce?url="));
    assertAnswer(400, "{\"error\":\"url holds a control character (U+000A)\"}",
        get("/v1/landing-pages/bounce?url=a%0Ab"));
    assertAnswer(400, "{\"error\":\"empty site\"}", get("/v1/landing-pages/bounce?url=a&site="));
  }

  @Test
  void cassandraDownIs503AndAnythingElse500() throws Exception {
    assertAnswer(200, "{\"status\":\"ok\",\"keyspace\":\"ks\",\"model_version\":\"m1\"}", get("/health"));
    data.failure = new NoNodeAvailableException();
    assertAnswer(503, "{\"status\":\"unavailable\",\"error\":\"Cassandra does not answer: No node was available "
        + "to execute the query\"}", get("/health"));
    assertEquals(503, get("/v1/users/u1/score").statusCode());
    data.failure = new DriverTimeoutException("Query timed out after PT2S");
    assertAnswer(503, "{\"error\":\"Cassandra does not answer: Query timed out after PT2S\"}",
        get("/v1/landing-pages/bounce?url=a"));
    data.failure = new IllegalStateException("a bug");
    assertAnswer(500, "{\"error\":\"internal error (logged by the server)\"}", get("/v1/users/u1/score"));
  }

  @Test
  void aFullServerAnswers503AtOnce() throws Exception {
    start(1, 0);
    data.stored.put("u1", STORED);
    data.entered = new CountDownLatch(1);
    data.hold = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
      try {
        return get("/v1/users/u1/score");
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(data.entered.await(10, TimeUnit.SECONDS), "the first request holds the only worker");
    HttpResponse<String> second = get("/v1/users/u1/score");
    assertAnswer(503, "{\"error\":\"busy: every worker is taken and 0 requests wait; retry\"}", second);
    data.hold.countDown();
    assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
  }

  @Test
  void aClientTooSlowToSendItsRequestDoesNotKeepTheWorker() throws Exception {
    start(1, 4);
    try (Socket slow = new Socket("127.0.0.1", server.port())) {
      OutputStream out = slow.getOutputStream();
      out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long started = System.nanoTime();
      // Answered once the slow request has timed out and freed the only worker.
      assertAnswer(200, "{\"status\":\"ok\",\"keyspace\":\"ks\",\"model_version\":\"m1\"}", get("/health"));
      slow.setSoTimeout(10_000);
      InputStream in = slow.getInputStream();
      assertEquals(-1, in.read(), "the slow client's connection is closed without an answer");
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(8));
    }
  }
}
