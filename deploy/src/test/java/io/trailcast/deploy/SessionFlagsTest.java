package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailcast.aggregate.sessions.SessionRules;
import io.trailcast.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The session flags override the site config's rules in every command that cuts sessions, the
 * same way: a scheduled run given the flags of a manual one cuts the same sessions.
 */
class SessionFlagsTest {
  @TempDir
  Path tmp;

  private Path siteWithGap45m() throws IOException {
    String site = new String(SessionFlagsTest.class.getResourceAsStream("/io/trailcast/ingest/default-site.yaml")
        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("gap: 30m", "gap: 45m");
    return Files.writeString(tmp.resolve("site.yaml"), site);
  }

  private static <T> T parse(T command, String... args) {
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void everyCommandThatCutsSessionsTakesTheFlagsOverTheSiteConfig() throws IOException {
    String file = siteWithGap45m().toString();
    String[] flags = {"--site-config", file, "--session-gap", "7m", "--max-session-events", "40"};
    String[] none = {"--site-config", file};
    Function<String[], SessionRules> aggregate = a -> parse(new AggregateCommand(), concat(a, "--from",
        "2026-01-05")).window.rules();
    Function<String[], SessionRules> backfill = a -> parse(new BackfillCommand(), concat(a, "--from",
        "2026-01-05")).window.rules();
    Function<String[], SessionRules> pipeline = a -> {
      PipelineCommand p = parse(new PipelineCommand(), concat(a, "--date", "2026-01-05", "--input", "x.log"));
      return SessionRules.of(p.sessions.over(p.ingest.siteConfig()));
    };
    Function<String[], SessionRules> stream = a -> {
      StreamCommand s = parse(new StreamCommand(), concat(a, "--source", "dir:/tmp/x"));
      return SessionRules.of(s.sessions.over(s.siteConfig.load()));
    };
    for (Function<String[], SessionRules> command : java.util.List.of(aggregate, backfill, pipeline, stream)) {
      SessionRules given = command.apply(flags);
      assertEquals(Duration.ofMinutes(7), given.gap());
      assertEquals(40, given.maxEvents());
      assertEquals(Duration.ofHours(12), given.maxDuration(), "what no flag names stays the site's");
      assertEquals(Duration.ofMinutes(45), command.apply(none).gap(), "without the flag: the site config's");
    }
    assertThrows(UserException.class, () -> aggregate.apply(concat(none, "--session-gap", "0s")));
    assertThrows(UserException.class, () -> stream.apply(concat(none, "--max-session-events", "0")));
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
