package io.trailcast.enrich.themes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.UserException;
import io.trailcast.enrich.tokens.Language;
import io.trailcast.enrich.tokens.UrlTokenizer;
import io.trailcast.enrich.vectors.WordVectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThemeAssignerTest {
  /** Three axes: music words, sport words, and a word of both. */
  private static final WordVectors VECTORS = new WordVectors(
      List.of("trailmag", "music", "chanson", "guitare", "sport", "football", "stade", "festival"),
      List.of(new float[] {0.1f, 0.1f, 1f}, new float[] {1, 0, 0}, new float[] {0.9f, 0.1f, 0},
          new float[] {0.8f, 0.2f, 0.1f}, new float[] {0, 1, 0}, new float[] {0.1f, 0.9f, 0},
          new float[] {0.2f, 0.8f, 0.1f}, new float[] {0.5f, 0.5f, 0}));
  private static final String DEFINITIONS = """
      threshold: 0.8
      themes:
        music: {seeds: [Music], parent: culture}
        sport: {seeds: [sport, Football]}
      rules:
        - {path_prefix: /live/, theme: music}
        - {regex: "/(stade|stadium)s?/", theme: sport}
      """;

  private static ThemeAssigner assigner(WordVectors vectors) {
    return new ThemeAssigner(ThemeDefinitions.parse(DEFINITIONS.getBytes(StandardCharsets.UTF_8), "test.yaml"),
        vectors, "w2v-test", new UrlTokenizer(Language.FR, false, null));
  }

  @Test
  void theNearestSeedCentroidWinsWithScoreAndRunnerUp() {
    ThemeAssigner.Assignment guitar = assigner(VECTORS).assign("www.trailmag.com/chanson/guitare-1234");
    assertEquals("music", guitar.theme());
    assertEquals("sport", guitar.runnerUp());
    assertEquals("model", guitar.source());
    assertTrue(guitar.score() > 0.9 && guitar.runnerUpScore() < 0.5, guitar.toString());
    assertTrue(guitar.modelVersion().startsWith("w2v-test/def-"), guitar.modelVersion());
    assertEquals("sport", assigner(VECTORS).assign("www.trailmag.com/football/finale").theme());
  }

  @Test
  void belowTheThresholdOrWithoutKnownWordsTheThemeIsUnknown() {
    ThemeAssigner.Assignment both = assigner(VECTORS).assign("www.trailmag.com/festival");
    assertEquals(ThemeAssigner.UNKNOWN, both.theme(), both.toString());
    assertTrue(both.score() < 0.8);
    ThemeAssigner.Assignment nothing = assigner(VECTORS).assign("www.example.com/zzz");
    assertEquals(ThemeAssigner.UNKNOWN, nothing.theme());
    assertNull(nothing.runnerUp());
  }

  @Test
  void rulesComeFirstInOrder() {
    ThemeAssigner.Assignment live = assigner(VECTORS).assign("www.trailmag.com/live/football-match");
    assertEquals("music", live.theme(), "the path rule overrides the model");
    assertEquals("rule", live.source());
    assertEquals("sport", assigner(VECTORS).assign("www.trailmag.com/concert/stades/guitare").theme());
    assertEquals("path_prefix /live/ -> music",
        assigner(VECTORS).explain("www.trailmag.com/live/x", null).rule());
  }

  @Test
  void theKeywordBaselineNeedsTheSeedsLiterally() {
    assertEquals("sport", assigner(VECTORS).keywordTheme("www.trailmag.com/football/finale", null));
    assertEquals(ThemeAssigner.UNKNOWN, assigner(VECTORS).keywordTheme("www.trailmag.com/chanson/guitare", null));
  }

  @Test
  void savedAndReloadedVectorsGiveIdenticalAssignments(@TempDir Path tmp) throws IOException {
    Path text = tmp.resolve("vectors.txt");
    VECTORS.writeText(text);
    Path binary = tmp.resolve("vectors.bin");
    writeBinary(VECTORS, binary);
    for (Path file : List.of(text, binary)) {
      WordVectors reloaded = WordVectors.read(file);
      assertEquals(VECTORS.vocabulary(), reloaded.vocabulary());
      for (String url : List.of("www.trailmag.com/chanson/guitare", "www.trailmag.com/stade", "x.com/festival")) {
        ThemeAssigner.Assignment before = assigner(VECTORS).assign(url);
        ThemeAssigner.Assignment after = assigner(reloaded).assign(url);
        assertEquals(before.theme(), after.theme(), file + " " + url);
        assertEquals(before.score(), after.score(), 1e-5, file + " " + url);
      }
    }
  }

  @Test
  void badDefinitionsFailWithOneLine() {
    assertEquals("t.yaml: theme 'music' has no seed words", error("themes: {music: {seeds: []}}"));
    assertEquals("t.yaml: rule 1 names theme 'cooking', which is not defined",
        error("themes: {music: {seeds: [music]}}\nrules: [{host: a.com, theme: cooking}]"));
    assertEquals("t.yaml: rule 1 needs exactly one of host, path_prefix, regex",
        error("themes: {music: {seeds: [music]}}\nrules: [{host: a.com, regex: x, theme: music}]"));
    assertTrue(error("themes: {music: {seeds: [music], color: red}}").startsWith("t.yaml: unknown key 'color'"));
    assertTrue(error("threshold: 2\nthemes: {music: {seeds: [music]}}").contains("threshold 2.0"));
    assertTrue(error("themes: {music: {seeds: [music]}}\nrules: [{regex: '(', theme: music}]")
        .startsWith("t.yaml: rule 1: bad regex '('"));
  }

  @Test
  void badVectorsFilesAreOneLineErrors(@TempDir Path tmp) throws IOException {
    Path prose = Files.writeString(tmp.resolve("prose.txt"), "not vectors at all\n");
    assertEquals(prose + ": not a word2vec/fastText vectors file (the first line must be 'N D')",
        assertThrows(UserException.class, () -> WordVectors.read(prose)).getMessage());
    Path short1 = Files.writeString(tmp.resolve("short.txt"), "2 3\nmusic 1 0 0\nsport 0 1\n");
    assertEquals(short1 + " line 3: 2 values, not 3",
        assertThrows(UserException.class, () -> WordVectors.read(short1)).getMessage());
    Path missing = tmp.resolve("missing.txt");
    assertEquals("vectors file " + missing + " does not exist",
        assertThrows(UserException.class, () -> WordVectors.read(missing)).getMessage());
  }

  @Test
  void theShippedDefinitionsLoad() {
    ThemeDefinitions defaults = ThemeDefinitions.defaults();
    assertEquals(0.35, defaults.threshold());
    assertTrue(defaults.themes().size() >= 8);
  }

  private static String error(String yaml) {
    return assertThrows(UserException.class,
        () -> ThemeDefinitions.parse(yaml.getBytes(StandardCharsets.UTF_8), "t.yaml")).getMessage();
  }

  /** word2vec's binary layout: "N D\n", then per word "word " + D little-endian floats + "\n". */
  private static void writeBinary(WordVectors vectors, Path file) throws IOException {
    List<String> words = List.of("trailmag", "music", "chanson", "guitare", "sport", "football", "stade", "festival");
    ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    buffer.put((words.size() + " " + vectors.dimension() + "\n").getBytes(StandardCharsets.US_ASCII));
    for (String word : words) {
      buffer.put((word + " ").getBytes(StandardCharsets.UTF_8));
      for (float x : vectors.vector(word)) {
        buffer.putFloat(x);
      }
      buffer.put((byte) '\n');
    }
    Files.write(file, java.util.Arrays.copyOf(buffer.array(), buffer.position()));
  }
}
