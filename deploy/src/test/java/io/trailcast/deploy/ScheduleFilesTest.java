package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every trailcast command line of the schedule files (deploy/schedule) read by the command's own
 * parser, nothing run: a flag renamed or removed in the code fails here, not in a scheduler at night.
 */
class ScheduleFilesTest {
  private static final Path SCHEDULE = Path.of(System.getProperty("trailcast.root", ".."), "deploy", "schedule");
  /** The job jar as spark-submit is given it, then trailcast's arguments. */
  private static final Pattern AFTER_JAR = Pattern.compile("\"?\\$\\{?TRAILCAST_JAR}?\"?\\s+(.+)");
  /** A call of the script's {@code trailcast} function (spark-submit of the job jar). */
  private static final Pattern FUNCTION_CALL = Pattern.compile("(?:^|[\\s(])trailcast\\s+([a-z].*)");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
  private static final String DAY = "2026-01-05";

  @Test
  void everyTrailcastCommandLineParses() throws IOException {
    Map<String, List<String>> commands = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SCHEDULE)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        for (List<String> args : commandLines(file)) {
          CommandLine.ParseResult parsed;
          try {
            parsed = Main.parser().parseArgs(args.toArray(new String[0]));
          } catch (CommandLine.ParameterException e) {
            throw new AssertionError(SCHEDULE.relativize(file) + ": " + args + ": " + e.getMessage(), e);
          }
          assertTrue(parsed.hasSubcommand(), file + ": " + args);
          commands.computeIfAbsent(SCHEDULE.relativize(file).toString(), f -> new ArrayList<>())
              .add(parsed.subcommand().commandSpec().name());
        }
      }
    }
    assertEquals(Map.of("airflow/trailcast_daily.py", List.of("pipeline"),
        "trailcast-daily.sh", List.of("query", "pipeline")), commands);
  }

  @Test
  void theScriptIsValidBashAndEveryOtherSchedulerRunsIt() throws Exception {
    Path script = SCHEDULE.resolve("trailcast-daily.sh");
    Process check = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, check.waitFor(), out);
    assertTrue(Files.isExecutable(script));

    JsonNode cronJob = new ObjectMapper(new YAMLFactory()).readTree(
        SCHEDULE.resolve("kubernetes/trailcast-daily-cronjob.yaml").toFile());
    assertEquals("CronJob", cronJob.get("kind").asText());
    assertEquals("Forbid", cronJob.at("/spec/concurrencyPolicy").asText());
    JsonNode container = cronJob.at("/spec/jobTemplate/spec/template/spec/containers/0");
    assertEquals("/opt/trailcast/schedule/trailcast-daily.sh", container.at("/command/1").asText());
    for (String file : List.of("systemd/trailcast-daily.service", "cron/trailcast")) {
      assertTrue(Files.readString(SCHEDULE.resolve(file)).contains("/opt/trailcast/schedule/trailcast-daily.sh"),
          file);
    }
    assertTrue(Files.readString(SCHEDULE.resolve("systemd/trailcast-daily.timer")).contains("Persistent=true"));
    String dag = Files.readString(SCHEDULE.resolve("airflow/trailcast_daily.py"));
    assertTrue(dag.contains("catchup=True") && dag.contains("\"retries\": 2") && dag.contains("\"sla\""), dag);
  }

  /** The trailcast arguments of every command line of {@code file}, its variables given sample values. */
  static List<List<String>> commandLines(Path file) throws IOException {
    List<List<String>> lines = new ArrayList<>();
    boolean script = file.getFileName().toString().endsWith(".sh");
    for (String line : Files.readString(file).replace("\\\n", " ").split("\n")) {
      if (line.strip().startsWith("#")) {
        continue;
      }
      Matcher jar = AFTER_JAR.matcher(line);
      Matcher call = FUNCTION_CALL.matcher(line);
      String args = jar.find() ? jar.group(1) : script && call.find() ? call.group(1) : null;
      if (args != null && !args.startsWith("\"$@\"")) {
        // Airflow's template of the run's day.
        lines.add(words(args.replace("{{ ds }}", DAY)));
      }
    }
    return lines;
  }

  /** Shell words up to the end of the command (an unquoted ; | & ) or redirection), variables replaced. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(substitute(word.toString()));
          word = null;
        }
      } else if (";|&)<>".indexOf(c) >= 0) {
        break;
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      words.add(substitute(word.toString()));
    }
    return words;
  }

  /** The sample day for the script's {@code $day}, its name for any other variable. */
  private static String substitute(String word) {
    Matcher variable = VARIABLE.matcher(word);
    StringBuilder out = new StringBuilder();
    while (variable.find()) {
      String name = variable.group(1);
      variable.appendReplacement(out, name.equals("day") ? DAY : name.toLowerCase(Locale.ROOT));
    }
    variable.appendTail(out);
    return out.toString();
  }
}
