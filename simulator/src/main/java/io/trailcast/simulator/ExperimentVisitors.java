package io.trailcast.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Visitors of a landing-page experiment (docs/experiments.md): each lands on the variant the site sent them to and
 * bounces with that variant's true probability (one pageview), or reads on (two to four pageviews, 15 to 90 s
 * apart, so that the session is neither a bounce nor unengaged). Written as trailcast JSON lines with the
 * visitor's id as the cookie (the id `serve` was asked about), one address and browser per visitor.
 */
public final class ExperimentVisitors {
  /** The simulated site's host: what the variants' URLs are stored under. */
  public static final String HOST = "www.trailmag.com";
  private static final String AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";

  private ExperimentVisitors() {
  }

  /** One visitor's visit: who, the variant they were sent to (its index), whether they bounced, their lines. */
  public record Visit(String visitor, int variant, boolean bounced, long start, List<String> lines) {
  }

  /**
   * The visit of the {@code index}-th visitor, {@code visitor}, sent at {@code start} to the variant at {@code url}
   * (path and query) whose true bounce probability is {@code bounce}.
   */
  public static Visit visit(String visitor, long index, int variant, String url, double bounce, long start,
      Random random) {
    String ip = "10." + ((index >> 16) & 0xff) + "." + ((index >> 8) & 0xff) + "." + (index & 0xff);
    List<String> lines = new ArrayList<>();
    lines.add(line(start, visitor, ip, url, null));
    boolean bounced = random.nextDouble() < bounce;
    if (!bounced) {
      int more = 1 + random.nextInt(3);
      long ts = start;
      String previous = url;
      for (int i = 0; i < more; i++) {
        ts += 15_000 + random.nextInt(75_000);
        String page = "/news/story-" + (1 + random.nextInt(200));
        lines.add(line(ts, visitor, ip, page, "https://" + HOST + previous));
        previous = page;
      }
    }
    return new Visit(visitor, variant, bounced, start, List.copyOf(lines));
  }

  private static String line(long ts, String visitor, String ip, String path, String referrer) {
    return "{\"ts\":\"" + Instant.ofEpochMilli(ts) + "\",\"site\":\"trailmag\",\"user\":\"" + visitor
        + "\",\"url\":\"https://" + HOST + path + "\"," + (referrer == null ? "" : "\"referrer\":\"" + referrer
        + "\",") + "\"ip\":\"" + ip + "\",\"user_agent\":\"" + AGENT + "\",\"status\":200}";
  }

  /** The truth of a run: one row per visitor (visitor, variant id, bounced, arrived at). */
  public static void writeTruth(Path file, List<Visit> visits, List<String> variantIds) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write("visitor,variant,bounced,arrived_at\n");
        for (Visit v : visits) {
          out.write(String.format(Locale.ROOT, "%s,%s,%b,%s%n", v.visitor(), variantIds.get(v.variant()),
              v.bounced(), Instant.ofEpochMilli(v.start())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
