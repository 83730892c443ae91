package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.CqlSessions;
import io.trailcast.core.testing.TestCassandra;
import io.trailcast.ingest.EventBuilder;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.stream.serve.CassandraServeData;
import io.trailcast.stream.serve.ModelWatch;
import io.trailcast.stream.serve.ScoreServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A landing-page experiment's closed loop through the real parts (docs/experiments.md): `experiments simulate` on
 * two variants whose true bounce is 0.8 and 0.2, serve over HTTP, the stream reading each round's lines, the batch
 * aggregate after it. Every visitor's session is counted once for the variant serve gave them, with exactly the
 * rewards of the simulator's truth; the batch rerun gives the stream's counts; the loop moves the traffic to the
 * better variant; a visitor keeps their variant, recorded under the salted hash of their id.
 */
class ExperimentsIT {
  private static final String SALT = "experiments-it-salt";
  @TempDir
  Path tmp;

  @Test
  void theClosedLoopCountsEverySessionOnceAndLearnsTheBetterVariant() throws Exception {
    CassandraTarget target = TestCassandra.keyspaceFor(ExperimentsIT.class);
    Path work = tmp.resolve("sim");
    Path salt = Files.writeString(tmp.resolve("salt"), SALT);
    CommandRun.Output run = CommandRun.apart(CommandRun.against(target, "experiments", "simulate", "--variants",
        "0.8,0.2", "--visitors", "1200", "--round", "200", "--work", work.toString(), "--format", "json",
        "--salt-file", salt.toString()));
    assertEquals(0, run.code(), run.out() + run.err());
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertTrue(result.get("batch_equals_stream").asBoolean(), run.out());

    // The truth: per variant, visitors sent to it and those who did not bounce.
    Map<String, long[]> truth = new HashMap<>();
    List<String> rows = Files.readAllLines(work.resolve("truth/visitors.csv"));
    assertEquals("visitor,variant,bounced,arrived_at", rows.get(0));
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",");
      long[] t = truth.computeIfAbsent(f[1], v -> new long[2]);
      t[0]++;
      t[1] += f[2].equals("false") ? 1 : 0;
    }
    assertEquals(1200, rows.size() - 1);
    for (JsonNode v : result.get("variants")) {
      long[] t = truth.get(v.get("variant").asText());
      assertEquals(t[0], v.get("visitors").asLong(), v.toString());
      assertEquals(t[0], v.get("sessions").asLong(), "each visitor's session counted once: " + v);
      assertEquals(t[1], v.get("rewards").asLong(), "the sessions that did not bounce: " + v);
      assertTrue(v.get("low").asDouble() <= v.get("found_rate").asDouble()
          && v.get("found_rate").asDouble() <= v.get("high").asDouble(), v.toString());
    }
    // Rates 0.2 and 0.8. A session is counted once it ends, 40 simulated minutes (400 visitors) after its last
    // event (the 30-minute gap, the 10-minute watermark), and the weights move once each variant has 100: in the
    // second half, then, Thompson sampling gives v2 all but v1's minimum share (an even split: 0.5 of it).
    JsonNode better = result.get("variants").get(1);
    assertTrue(better.get("second_half_share").asDouble() > 0.7, run.out());
    assertTrue(better.get("p_best").asDouble() > 0.99, run.out());
    assertEquals(0.95, better.get("weight").asDouble(), 1e-9, "all but the other variant's minimum share");
    assertTrue(result.get("regret").asDouble() < 0.85 * result.get("uniform_regret").asDouble(), run.out());

    // `experiments show` reads the same figures back, every day from the batch now.
    String experiment = result.get("experiment").asText();
    Path site = work.resolve("site.yaml");
    CommandRun.Output show = CommandRun.apart(CommandRun.against(target, "experiments", "show", experiment,
        "--site-config", site.toString(), "--format", "json"));
    assertEquals(0, show.code(), show.err());
    JsonNode shown = new ObjectMapper().readTree(show.out());
    assertEquals(1, shown.get("batch_days").asInt());
    assertEquals(0, shown.get("live_days").asInt());
    for (int i = 0; i < 2; i++) {
      JsonNode v = shown.get("variants").get(i);
      JsonNode simulated = result.get("variants").get(i);
      assertEquals(simulated.get("visitors").asLong(), v.get("assigned").asLong());
      assertEquals(simulated.get("sessions").asLong(), v.get("sessions").asLong());
      assertEquals(simulated.get("rewards").asLong(), v.get("rewards").asLong());
    }
    CommandRun.Output list = CommandRun.apart(CommandRun.against(target, "experiments", "list", "--site-config",
        site.toString()));
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains(experiment) && list.out().contains("v2"), list.out());

    // Sticky: a visitor of the run keeps their variant; a new one is recorded, then keeps theirs. Only hashes.
    SiteConfig config = SiteConfig.load(site);
    try (var cql = CqlSessions.open(target);
        ModelWatch models = new ModelWatch(cql, ModelWatch.sparkLoader());
        ScoreServer server = ScoreServer.start(new CassandraServeData(cql, target.keyspace(), config, models,
            SALT, Duration.ofSeconds(5)), ScoreServer.options("127.0.0.1", 0))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + server.port() + "/v1/experiments/" + experiment + "/variant?user=";
      String[] first = rows.get(6).split(",");
      JsonNode again = get(http, base + first[0]);
      assertEquals(first[1], again.get("variant").asText());
      assertFalse(again.get("new").asBoolean());
      assertEquals(EventBuilder.cookieUserId(SALT, first[0]), again.get("user_id").asText());
      JsonNode fresh = get(http, base + "someone-new");
      assertTrue(fresh.get("new").asBoolean());
      JsonNode kept = get(http, base + "someone-new");
      assertFalse(kept.get("new").asBoolean());
      assertEquals(fresh.get("variant").asText(), kept.get("variant").asText());
      assertEquals(fresh.get("assigned_at").asText(), kept.get("assigned_at").asText());
      long raw = cql.execute("SELECT user_id FROM " + target.keyspace() + ".experiment_assignments").all().stream()
          .filter(r -> !r.getString(0).startsWith("c:")).count();
      assertEquals(0, raw, "visitor ids are stored only hashed");
    }
  }

  private static JsonNode get(HttpClient http, String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new ObjectMapper().readTree(response.body());
  }
}
