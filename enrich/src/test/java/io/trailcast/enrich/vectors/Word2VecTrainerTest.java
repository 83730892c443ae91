package io.trailcast.enrich.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** deeplearning4j's Word2Vec on sentences of two topics: words read together end up close. */
class Word2VecTrainerTest {
  private static final List<String> MUSIC = List.of("concert", "album", "guitar", "chanson", "jazz", "rock");
  private static final List<String> SPORT = List.of("football", "tennis", "match", "stade", "coach", "league");

  @Test
  void wordsOfOneTopicAreNearestToEachOther() {
    Random random = new Random(3);
    List<String> sentences = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      List<String> topic = i % 2 == 0 ? MUSIC : SPORT;
      List<String> words = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        words.add(topic.get(random.nextInt(topic.size())));
      }
      sentences.add(String.join(" ", words));
    }
    Word2VecTrainer.Parameters parameters = new Word2VecTrainer.Parameters(20, 3, 2, 3, true, 42, 1);
    Word2VecTrainer.Trained trained = Word2VecTrainer.train(sentences, parameters);
    assertEquals(12, trained.vectors().size());
    assertEquals(4_800, trained.words());
    for (String word : List.of("concert", "football")) {
      Set<String> topic = Set.copyOf(MUSIC.contains(word) ? MUSIC : SPORT);
      for (Map.Entry<String, Double> near : trained.vectors().nearest(word, 3)) {
        assertTrue(topic.contains(near.getKey()), word + " -> " + trained.vectors().nearest(word, 5));
      }
    }
    assertEquals(trained.version(), Word2VecTrainer.train(sentences, parameters).version(),
        "the version is a hash of the inputs and parameters");
    assertTrue(trained.version().matches("w2v-[0-9a-f]{12}"), trained.version());
  }
}
