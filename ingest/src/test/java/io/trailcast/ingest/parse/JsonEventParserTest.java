package io.trailcast.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonEventParserTest {
  @Test
  void isoAndEpochTimesAndOptionalFields() {
    ParsedLine iso = JsonEventParser.parse("{\"ts\":\"2026-01-05T10:00:00.250+01:00\",\"user\":\"c1\","
        + "\"url\":\"https://www.trailmag.com/a\",\"action\":\"search\",\"query\":\"jazz\",\"site\":\"mag\","
        + "\"ip\":\"1.2.3.4\",\"user_agent\":\"UA\",\"email\":\"A@B.C\",\"status\":201,\"referrer\":\"r\"}");
    assertEquals(new ParsedLine(Instant.parse("2026-01-05T09:00:00.250Z").toEpochMilli(), "1.2.3.4", "A@B.C", "GET",
        "https://www.trailmag.com/a", 201, null, "r", "UA", null, "c1", "search", "jazz", "mag", null), iso);
    ParsedLine epoch = JsonEventParser.parse("{\"ts\":1767607200000,\"user\":\"c1\",\"url\":\"/a\"}");
    assertEquals(1767607200000L, epoch.ts());
    assertEquals(200, epoch.status());
  }

  @Test
  void missingOrBadFieldsAreRejected() {
    assertEquals("missing required field user", JsonEventParser.parse("{\"ts\":1,\"url\":\"/a\"}").rejectReason());
    assertEquals("missing required field ts", JsonEventParser.parse("{\"user\":\"u\",\"url\":\"/a\"}").rejectReason());
    assertEquals("bad ts '2026-02-31T25:61:00+00:00': use ISO-8601 with an offset or epoch milliseconds",
        JsonEventParser.parse("{\"ts\":\"2026-02-31T25:61:00+00:00\",\"user\":\"u\",\"url\":\"/a\"}").rejectReason());
    assertEquals("unknown action 'buy'",
        JsonEventParser.parse("{\"ts\":1,\"user\":\"u\",\"url\":\"/a\",\"action\":\"buy\"}").rejectReason());
    assertEquals("not a JSON object", JsonEventParser.parse("[1,2]").rejectReason());
    assertEquals(true, JsonEventParser.parse("{\"ts\":1,\"user\":\"u\",\"ur").rejectReason().startsWith("not "
        + "valid JSON"));
  }
}
