package io.trailcast.enrich.vectors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.models.embeddings.learning.impl.elements.CBOW;
import org.deeplearning4j.models.embeddings.learning.impl.elements.SkipGram;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.text.sentenceiterator.CollectionSentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains Word2Vec (deeplearning4j) on sentences of tokens already cut by the UrlTokenizer: the
 * URL tokens of each session in order, and the sentences of any text corpus. Runs on the driver
 * (a few million words train in minutes on 2 cores); the result is plain {@link WordVectors}.
 */
public final class Word2VecTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(Word2VecTrainer.class);

  /** Training parameters; {@code skipGram} false means CBOW (about twice as fast, PLATFORM.md). */
  public record Parameters(int dimension, int window, int minCount, int epochs, boolean skipGram, long seed,
      int workers) {
    public static Parameters defaults() {
      return new Parameters(100, 5, 2, 5, true, 42, 2);
    }

    Map<String, String> asMap() {
      Map<String, String> map = new LinkedHashMap<>();
      map.put("dimension", Integer.toString(dimension));
      map.put("window", Integer.toString(window));
      map.put("min_count", Integer.toString(minCount));
      map.put("epochs", Integer.toString(epochs));
      map.put("algorithm", skipGram ? "skipgram" : "cbow");
      map.put("seed", Long.toString(seed));
      return map;
    }
  }

  /** What a training gave: the vectors, its version, its size and speed. */
  public record Trained(WordVectors vectors, String version, long sentences, long words, double seconds,
      Map<String, String> parameters) {
    public double wordsPerSecond() {
      return seconds == 0 ? 0 : words * (double) parametersEpochs() / seconds;
    }

    private int parametersEpochs() {
      return Integer.parseInt(parameters.get("epochs"));
    }
  }

  private Word2VecTrainer() {
  }

  /**
   * Trains on {@code sentences} (space-separated tokens). The version is a hash of the sentences
   * and the parameters, so the same inputs give the same version.
   */
  public static Trained train(List<String> sentences, Parameters parameters) {
    long words = 0;
    MessageDigest digest = sha256();
    for (String sentence : sentences) {
      words += sentence.isEmpty() ? 0 : sentence.split(" ").length;
      digest.update(sentence.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
    }
    digest.update(parameters.asMap().toString().getBytes(StandardCharsets.UTF_8));
    String version = "w2v-" + HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    long start = System.nanoTime();
    Word2Vec word2vec = new Word2Vec.Builder()
        .minWordFrequency(parameters.minCount())
        .layerSize(parameters.dimension())
        .windowSize(parameters.window())
        .epochs(parameters.epochs())
        .iterations(1)
        .seed(parameters.seed())
        .workers(parameters.workers())
        .elementsLearningAlgorithm(parameters.skipGram() ? new SkipGram<>() : new CBOW<>())
        .iterate(new CollectionSentenceIterator(sentences))
        .tokenizerFactory(new DefaultTokenizerFactory())
        .build();
    word2vec.fit();
    double seconds = (System.nanoTime() - start) / 1e9;
    List<VocabWord> vocabulary = new ArrayList<>(word2vec.getVocab().vocabWords());
    vocabulary.sort(Comparator.comparingDouble(VocabWord::getElementFrequency).reversed()
        .thenComparing(VocabWord::getLabel));
    List<String> ranked = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (VocabWord word : vocabulary) {
      double[] v = word2vec.getWordVector(word.getLabel());
      float[] f = new float[v.length];
      for (int d = 0; d < v.length; d++) {
        f[d] = (float) v[d];
      }
      ranked.add(word.getLabel());
      vectors.add(f);
    }
    Trained trained = new Trained(new WordVectors(ranked, vectors), version, sentences.size(), words, seconds,
        parameters.asMap());
    LOG.info("word2vec {}: {} sentences, {} words, vocabulary {}, {} s ({} words/s over {} epochs)", version,
        sentences.size(), words, ranked.size(), Math.round(seconds), Math.round(trained.wordsPerSecond()),
        parameters.epochs());
    return trained;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
