package io.trailcast.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowPrinterTest {
  private static final List<String> COLUMNS = List.of("page", "sessions", "rate");
  private static final List<List<Object>> ROWS = List.of(
      List.of("/home", 12L, 0.5),
      Arrays.asList("/a,b \"x\"", 3L, null));

  private static String print(OutputFormat format, List<String> columns, List<List<Object>> rows) {
    StringWriter text = new StringWriter();
    RowPrinter.print(new PrintWriter(text), format, columns, rows);
    return text.toString().replace(System.lineSeparator(), "\n");
  }

  @Test
  void tableAlignsColumns() {
    assertEquals("page     | sessions | rate\n"
        + "---------+----------+-----\n"
        + "/home    | 12       | 0.5\n"
        + "/a,b \"x\" | 3        | null\n"
        + "(2 rows)\n", print(OutputFormat.TABLE, COLUMNS, ROWS));
  }

  @Test
  void csvQuotesWhatNeedsIt() {
    assertEquals("page,sessions,rate\n/home,12,0.5\n\"/a,b \"\"x\"\"\",3,\n", print(OutputFormat.CSV, COLUMNS, ROWS));
  }

  @Test
  void jsonWritesOneObjectPerRowWithNestedValues() {
    List<List<Object>> rows = List.of(List.of("d", Map.of("k", LocalDate.of(2026, 1, 2))));
    assertEquals("{\"page\":\"/home\",\"sessions\":12,\"rate\":0.5}\n"
        + "{\"page\":\"/a,b \\\"x\\\"\",\"sessions\":3,\"rate\":null}\n", print(OutputFormat.JSON, COLUMNS, ROWS));
    assertEquals("{\"day\":\"d\",\"m\":{\"k\":\"2026-01-02\"}}\n", print(OutputFormat.JSON, List.of("day", "m"), rows));
  }
}
