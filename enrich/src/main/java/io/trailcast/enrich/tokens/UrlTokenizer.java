package io.trailcast.enrich.tokens;

import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.pipeline.CoreDocument;
import edu.stanford.nlp.pipeline.StanfordCoreNLP;
import edu.stanford.nlp.process.Morphology;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The words of a URL (DESIGN.md "Theme"): host words, path segments split on {@code / - _ .} and
 * case changes, query values, and a page title when there is one. CoreNLP tokenises each piece in
 * the site's language; then words are lower-cased, accents folded, digits dropped, stop words and
 * URL plumbing ({@code www}, {@code html}, ...) removed, glued words split against the vocabulary,
 * and, optionally, English words stemmed.
 */
public final class UrlTokenizer implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern SEPARATORS = Pattern.compile("[/\\-_.+~,;:=!|]+");
  private static final Pattern CASE_CHANGE = Pattern.compile("(?<=\\p{Ll})(?=\\p{Lu})");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NOT_LETTERS = Pattern.compile("[^\\p{L}]+");

  private final Language language;
  private final boolean stem;
  private final WordSegmenter segmenter;
  private final Set<String> stopWords;
  private transient StanfordCoreNLP pipeline;
  private transient Morphology morphology;

  /** @param segmenter splits glued words, or null for none (no vocabulary yet) */
  public UrlTokenizer(Language language, boolean stem, WordSegmenter segmenter) {
    this.language = language;
    this.stem = stem;
    this.segmenter = segmenter;
    this.stopWords = stopWords(language);
  }

  /** The same rules with a vocabulary to split glued words against. */
  public UrlTokenizer withSegmenter(WordSegmenter newSegmenter) {
    return new UrlTokenizer(language, stem, newSegmenter);
  }

  public Language language() {
    return language;
  }

  public boolean stems() {
    return stem;
  }

  /** Tokens of a URL (as events_by_user stores it: {@code host/path?query}, or with a scheme). */
  public List<String> tokens(String url) {
    return tokens(url, null);
  }

  /** Tokens of a URL and of its page title (null when unknown). */
  public List<String> tokens(String url, String title) {
    String rest = url.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
    int hash = rest.indexOf('#');
    rest = hash >= 0 ? rest.substring(0, hash) : rest;
    int q = rest.indexOf('?');
    String query = q >= 0 ? rest.substring(q + 1) : "";
    rest = q >= 0 ? rest.substring(0, q) : rest;
    int slash = rest.indexOf('/');
    String host = slash >= 0 ? rest.substring(0, slash) : rest;
    String path = slash >= 0 ? rest.substring(slash) : "";

    List<String> pieces = new ArrayList<>();
    String[] labels = host.toLowerCase(Locale.ROOT).split("\\.");
    // The last label is the TLD; the rest are words (possibly glued: religionnews.com).
    for (int i = 0; i < labels.length - 1; i++) {
      pieces.add(labels[i]);
    }
    for (String segment : SEPARATORS.split(decode(path))) {
      pieces.add(CASE_CHANGE.matcher(segment).replaceAll(" "));
    }
    for (String parameter : query.split("&")) {
      int eq = parameter.indexOf('=');
      if (eq >= 0) {
        pieces.add(SEPARATORS.matcher(decode(parameter.substring(eq + 1))).replaceAll(" "));
      }
    }
    if (title != null) {
      pieces.add(title);
    }
    List<String> tokens = new ArrayList<>();
    for (String piece : pieces) {
      if (!piece.isBlank()) {
        for (String word : coreNlpWords(piece)) {
          addWord(word, tokens);
        }
      }
    }
    return tokens;
  }

  /** Tokens of plain text (a corpus line, a title): CoreNLP words with the same folding and filters. */
  public List<String> textTokens(String text) {
    List<String> tokens = new ArrayList<>();
    if (!text.isBlank()) {
      for (String word : coreNlpWords(text)) {
        addWord(word, tokens);
      }
    }
    return tokens;
  }

  private void addWord(String raw, List<String> tokens) {
    String folded = MARKS.matcher(Normalizer.normalize(raw, Normalizer.Form.NFD)).replaceAll("")
        .toLowerCase(Locale.ROOT);
    for (String letters : NOT_LETTERS.split(folded)) {
      if (letters.length() < 2) {
        continue;
      }
      List<String> parts = segmenter == null ? List.of(letters) : segmenter.split(letters);
      for (String part : parts) {
        if (part.length() >= 2 && !stopWords.contains(part)) {
          tokens.add(stem ? stem(part) : part);
        }
      }
    }
  }

  private List<String> coreNlpWords(String text) {
    if (pipeline == null) {
      Properties properties = new Properties();
      properties.setProperty("annotators", "tokenize");
      properties.setProperty("tokenize.language", language == Language.AUTO ? "en" : language.code());
      pipeline = new StanfordCoreNLP(properties);
    }
    CoreDocument document = new CoreDocument(text);
    pipeline.annotate(document);
    List<String> words = new ArrayList<>();
    for (CoreLabel label : document.tokens()) {
      words.add(label.word());
    }
    return words;
  }

  /** English lemma-like stems from CoreNLP's Morphology (no model needed); other languages as is. */
  private String stem(String word) {
    if (language != Language.EN) {
      return word;
    }
    if (morphology == null) {
      morphology = new Morphology();
    }
    return morphology.stem(word);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  /** Stop words of the language (all of them for AUTO) and URL plumbing words. */
  static Set<String> stopWords(Language language) {
    Set<String> words = new HashSet<>(words("url-words.txt"));
    for (Language l : Language.values()) {
      if (l != Language.AUTO && (language == Language.AUTO || l == language)) {
        words.addAll(words("stopwords-" + l.code() + ".txt"));
      }
    }
    return words;
  }

  private static List<String> words(String resource) {
    try (InputStream in = UrlTokenizer.class.getResourceAsStream(resource)) {
      List<String> words = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("#")) {
          for (String word : line.trim().split("\\s+")) {
            if (!word.isEmpty()) {
              words.add(word);
            }
          }
        }
      }
      return words;
    } catch (IOException e) {
      throw new UncheckedIOException("missing resource " + resource, e);
    }
  }
}
