package io.trailcast.enrich.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UrlTokenizerTest {
  private final UrlTokenizer english = new UrlTokenizer(Language.EN, false, null);
  private final UrlTokenizer french = new UrlTokenizer(Language.FR, false, null);

  @Test
  void hostPathAndQueryWordsWithoutPlumbingDigitsOrStopWords() {
    assertEquals(List.of("trailmag", "music", "concert", "review", "rihanna", "jazz", "night"),
        english.tokens("www.trailmag.com/music/concert-review_rihanna-8913.html?q=jazz+night&page=2"));
    assertEquals(List.of("news", "example", "best", "year"),
        new UrlTokenizer(Language.AUTO, false, null).tokens("https://news.example.org/Best.of/the-year#top"));
  }

  @Test
  void camelCaseAccentsAndFrenchElisions() {
    assertEquals(List.of("trailmag", "musique", "ete", "chanson", "amour", "paris"),
        french.tokens("www.trailmag.com/musique/ÉtéChanson/d'amour?ville=%C3%A0+Paris"));
    assertEquals(List.of("example", "recette", "gateau", "chocolat"),
        french.tokens("example.fr/recette/gâteau_au_chocolat"));
  }

  @Test
  void stopWordsFollowTheLanguage() {
    assertEquals(List.of("example", "le", "chat"), english.tokens("example.com/le-chat"));
    assertEquals(List.of("example", "chat"), french.tokens("example.com/le-chat"));
    assertEquals(List.of("example", "chat"),
        new UrlTokenizer(Language.AUTO, false, null).tokens("example.com/the-chat"));
  }

  @Test
  void gluedWordsAreSplitAgainstTheVocabulary() {
    WordSegmenter segmenter = new WordSegmenter(Set.of("religion", "news", "gender", "justice", "bloom"));
    assertEquals(List.of("religion", "news"), segmenter.split("religionnews"));
    assertEquals(List.of("bloomberg"), segmenter.split("bloomberg"), "no full split: kept whole");
    assertEquals(List.of("religion", "news", "gender", "justice"),
        english.withSegmenter(segmenter).tokens("www.religionnews.com/4genderjustice"));
  }

  @Test
  void englishStemsWhenAsked() {
    assertEquals(List.of("example", "recipe", "cake"),
        new UrlTokenizer(Language.EN, true, null).tokens("example.com/recipes/cakes"));
  }
}
