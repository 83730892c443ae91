package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportPageTest {
  @Test
  void thePageCarriesItsDataAndItsChartLibraryAndFetchesNothing() throws Exception {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("keyspace", "k");
    data.put("from", "2026-01-05");
    data.put("to", "2026-01-06");
    // A landing page that would end the script element if it were embedded as it is.
    data.put("sites", List.of(Map.of("site", "s", "pages", List.of(Map.of("landing_page", "/a</script><b>")))));
    String html = ReportPage.render(data);
    Matcher json = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
        Pattern.DOTALL).matcher(html);
    assertTrue(json.find());
    JsonNode read = new ObjectMapper().readTree(json.group(1));
    assertEquals("/a</script><b>", read.at("/sites/0/pages/0/landing_page").asText());
    assertTrue(html.contains("echarts"), "ECharts inlined");
    assertFalse(Pattern.compile("(src|href)\\s*=\\s*[\"']?(https?:)?//").matcher(html).find(),
        "no script, style or link from the network");
    assertTrue(html.contains("<title>trailcast report k 2026-01-05 to 2026-01-06</title>"));
  }
}
