package io.trailcast.enrich.tokens;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits words glued together in hosts and paths ({@code religionnews}, {@code genderjustice})
 * into words of a vocabulary. Among the splits whose every part is known and at least
 * {@value #MIN_PART} letters long it keeps the one with the fewest parts (then the longest first
 * part): long known words beat chains of short ones. A word with no such split is kept whole.
 */
public final class WordSegmenter implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int MIN_PART = 3;
  private static final int MIN_LENGTH = 6;

  private final Set<String> vocabulary;

  public WordSegmenter(Set<String> vocabulary) {
    this.vocabulary = new HashSet<>(vocabulary);
  }

  /** The parts of {@code word}, or {@code word} alone when it is known or cannot be split. */
  public List<String> split(String word) {
    if (word.length() < MIN_LENGTH || vocabulary.contains(word)) {
      return List.of(word);
    }
    int n = word.length();
    // parts[i]: fewest known parts covering word[i..n), or MAX when none; cut[i]: end of the first one.
    int[] parts = new int[n + 1];
    int[] cut = new int[n + 1];
    parts[n] = 0;
    for (int i = n - 1; i >= 0; i--) {
      parts[i] = Integer.MAX_VALUE;
      for (int j = n; j >= i + MIN_PART; j--) {
        if (parts[j] != Integer.MAX_VALUE && parts[j] + 1 < parts[i] && vocabulary.contains(word.substring(i, j))) {
          parts[i] = parts[j] + 1;
          cut[i] = j;
        }
      }
    }
    if (parts[0] == Integer.MAX_VALUE || parts[0] < 2) {
      return List.of(word);
    }
    List<String> split = new ArrayList<>();
    for (int i = 0; i < n; i = cut[i]) {
      split.add(word.substring(i, cut[i]));
    }
    return split;
  }
}
