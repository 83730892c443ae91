package io.trailcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailcast.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteConfigTest {
  private static final String SITE = "site: a\nhost: h\ntimezone: UTC\nsearch: {path: /s, parameter: q}\n";

  @Test
  void sessionRulesDefaultToTheDesign() {
    SiteConfig defaults = SiteConfig.defaults();
    assertEquals(Duration.ofMinutes(30), defaults.sessionGap());
    assertEquals(Duration.ofHours(12), defaults.maxSessionDuration());
    assertEquals(2_500, defaults.maxSessionEvents());
    assertEquals(100, defaults.burstEvents());
    assertEquals(Duration.ofSeconds(100), defaults.burstWindow());
    assertEquals(Duration.ofSeconds(10), defaults.engagedDuration());
  }

  @Test
  void theLogFormatStringIsASiteKeyTheFlagOverridesAndABadOneFailsWhereItIsWritten(@TempDir Path tmp)
      throws IOException {
    Path file = tmp.resolve("site.yaml");
    Files.writeString(file, SITE + "log_format: '%h %l %u %t \"%r\" %>s %b %D'\n");
    SiteConfig site = SiteConfig.load(file);
    assertEquals("%h %l %u %t \"%r\" %>s %b %D", site.logFormat());
    assertEquals(InputFormat.LOG_FORMAT, InputFormat.of("auto", site));
    assertEquals(InputFormat.JSONL, InputFormat.of("jsonl", site), "an explicit --format wins");
    assertEquals("%h %t \"%r\" %>s", site.withLogFormat("%h %t \"%r\" %>s").withSite("b").logFormat());
    assertEquals(site.logFormat(), site.withLogFormat(null).logFormat());
    assertEquals(InputFormat.AUTO, InputFormat.of("auto", SiteConfig.defaults()), "no format string: detected");
    Files.writeString(file, SITE + "log_format: '%h %t \"%r\" %>s %Q'\n");
    UserException bad = assertThrows(UserException.class, () -> SiteConfig.load(file));
    assertEquals(file + ": unknown directive %Q in the log format '%h %t \"%r\" %>s %Q' (Apache LogFormat "
        + "directives: %h %l %u %t %r %>s %b %{Header}i %D %T %v ...)", bad.getMessage());
    assertEquals("--format log-format needs the format string: --log-format 'FORMAT' or the site config's "
        + "log_format", assertThrows(UserException.class, () -> InputFormat.of("log-format", SiteConfig.defaults()))
        .getMessage());
  }

  @Test
  void aSiteSetsSomeSessionRulesAndKeepsTheOthers(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("site.yaml");
    Files.writeString(file, SITE + "sessions: {gap: 10m, max_events: 500}\n");
    SiteConfig site = SiteConfig.load(file);
    assertEquals(Duration.ofMinutes(10), site.sessionGap());
    assertEquals(500, site.maxSessionEvents());
    assertEquals(Duration.ofHours(12), site.maxSessionDuration());
    SiteConfig renamed = site.withSite("b");
    assertEquals(Duration.ofMinutes(10), renamed.sessionGap(), "--site keeps the file's rules");
    assertEquals(500, renamed.maxSessionEvents());
  }

  @Test
  void badSessionRulesAreOneLineErrors(@TempDir Path tmp) throws IOException {
    Path gap = tmp.resolve("gap.yaml");
    Files.writeString(gap, SITE + "sessions: {gap: half an hour}\n");
    assertEquals(gap + ": sessions.gap: bad duration 'half an hour'; use forms like 30m, 10m, 1h, 90s, 250ms",
        assertThrows(UserException.class, () -> SiteConfig.load(gap)).getMessage());
    Path events = tmp.resolve("events.yaml");
    Files.writeString(events, SITE + "sessions: {max_events: 0}\n");
    assertEquals(events + ": sessions.max_events must be at least 1, not 0",
        assertThrows(UserException.class, () -> SiteConfig.load(events)).getMessage());
    Path typo = tmp.resolve("typo.yaml");
    Files.writeString(typo, SITE + "sessions: {timeout: 10m}\n");
    assertThrows(UserException.class, () -> SiteConfig.load(typo));
  }
}
