package io.trailcast.enrich;

import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.Store;
import io.trailcast.enrich.tokens.UrlTokenizer;
import io.trailcast.enrich.vectors.Word2VecTrainer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code themes train}: sentences from the navigation of a window and from text files, Word2Vec on
 * them, the vectors saved in the word2vec text format and recorded in the {@code models} table.
 */
public final class ThemeTraining {
  private ThemeTraining() {
  }

  /** A finished training: the model, where its vectors are, how many sentences each source gave. */
  public record Result(Word2VecTrainer.Trained trained, Path file, Map<String, Integer> sentencesBySource) {
  }

  /**
   * Trains on the sessions of {@code from..to} (none when {@code from} is null) and the lines of
   * {@code corpus}, and records the model.
   */
  public static Result train(SparkSession spark, Store store, LocalDate from, LocalDate to,
      List<Path> corpus, UrlTokenizer tokenizer, Word2VecTrainer.Parameters parameters, Path outDir) {
    List<String> sentences = new ArrayList<>();
    Map<String, Integer> bySource = new LinkedHashMap<>();
    if (from != null) {
      sentences.addAll(ThemesJob.navigationSentences(spark, store.target(), from, to, tokenizer));
      bySource.put("navigation " + from + ".." + to, sentences.size());
    }
    for (Path file : corpus) {
      int before = sentences.size();
      readCorpus(file, tokenizer, sentences);
      bySource.put(file.toString(), sentences.size() - before);
    }
    if (sentences.isEmpty()) {
      throw new UserException("nothing to train on: give --from/--to (navigation) and/or --corpus FILE, or "
          + "--vectors FILE");
    }
    Word2VecTrainer.Trained trained = Word2VecTrainer.train(sentences, parameters);
    Path file = outDir.resolve(trained.version() + ".txt").toAbsolutePath();
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new UserException("cannot create " + outDir + ": " + e.getMessage(), e);
    }
    trained.vectors().writeText(file);
    Map<String, String> params = new LinkedHashMap<>(trained.parameters());
    params.put("language", tokenizer.language().code());
    params.put("stem", Boolean.toString(tokenizer.stems()));
    params.put("sources", bySource.keySet().toString());
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("sentences", (double) trained.sentences());
    metrics.put("words", (double) trained.words());
    metrics.put("vocabulary", (double) trained.vectors().size());
    metrics.put("seconds", trained.seconds());
    metrics.put("words_per_second", trained.wordsPerSecond());
    ThemeModels.record(store.cql(), trained.version(), file.toString(), params, metrics, from, to);
    return new Result(trained, file, bySource);
  }

  /** A text file's lines as sentences of tokens (lines with fewer than two tokens carry no context). */
  static void readCorpus(Path file, UrlTokenizer tokenizer, List<String> sentences) {
    if (!Files.isRegularFile(file)) {
      throw new UserException("corpus file " + file + " does not exist");
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        List<String> tokens = tokenizer.textTokens(line);
        if (tokens.size() >= 2) {
          sentences.add(String.join(" ", tokens));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
