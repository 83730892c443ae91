package io.trailcast.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The report as one self-contained HTML file: the figures embedded as JSON, Apache ECharts (from its
 * WebJar, inlined) drawing them as SVG, and a table of numbers under each chart. Nothing is fetched
 * when it opens: no CDN, no server.
 */
final class ReportPage {
  /** ECharts' build with line, bar, pie and scatter charts, from the WebJar on the classpath. */
  static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.common.min.js";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportPage() {
  }

  /** The page for {@code data} ({@link ReportData#read}). */
  static String render(Map<String, Object> data) {
    String json;
    try {
      json = JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String title = "trailcast report " + data.get("keyspace") + " " + data.get("from") + " to " + data.get("to");
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
        + "</title>\n<style>\n" + resource("report.css") + "</style>\n"
        // "</" would end the script element early: JSON allows "<\/" for it.
        + "<script type=\"application/json\" id=\"report-data\">" + json.replace("</", "<\\/") + "</script>\n"
        + "<script>" + echarts().replace("</script", "<\\/script") + "</script>\n"
        + "</head>\n<body>\n<h1>" + escape(title) + "</h1>\n<main id=\"report\"></main>\n"
        + "<script>\n" + resource("report.js") + "</script>\n</body>\n</html>\n";
  }

  private static String echarts() {
    try (InputStream in = ReportPage.class.getResourceAsStream(ECHARTS)) {
      if (in == null) {
        throw new IllegalStateException("ECharts is not on the classpath: " + ECHARTS);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ReportPage.class.getResourceAsStream("/report/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
