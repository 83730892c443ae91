package io.trailcast.enrich.vectors;

import io.trailcast.core.UserException;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Word vectors in memory, unit length, with each word's frequency rank: what scoring needs, with
 * no native library (deeplearning4j only trains). Reads and writes the standard word2vec text
 * format ({@code N D} then {@code word v1 .. vD} per line; fastText's {@code .vec} is the same)
 * and reads word2vec's binary format. Files list words most frequent first, as word2vec,
 * fastText and deeplearning4j write them; the rank gives the weight of a word (rare words weigh
 * more, {@link #weight}).
 */
public final class WordVectors implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Smoothing of the frequency weight a / (a + p(w)) (Arora et al.'s SIF); p(w) from Zipf's law on the rank. */
  private static final double SMOOTHING = 1e-3;

  private final int dimension;
  private final Map<String, Integer> index;
  private final List<String> words;
  private final float[] vectors;
  private final double harmonic;

  /** Vectors in rank order (most frequent word first); each is normalised to unit length. */
  public WordVectors(List<String> words, List<float[]> vectors) {
    if (words.isEmpty()) {
      throw new UserException("no word vectors");
    }
    this.dimension = vectors.get(0).length;
    this.words = List.copyOf(words);
    this.index = new HashMap<>();
    this.vectors = new float[words.size() * dimension];
    for (int i = 0; i < words.size(); i++) {
      float[] v = vectors.get(i);
      if (v.length != dimension) {
        throw new UserException("vector of '" + words.get(i) + "' has " + v.length + " values, not " + dimension);
      }
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      for (int d = 0; d < dimension; d++) {
        this.vectors[i * dimension + d] = norm == 0 ? 0f : (float) (v[d] / norm);
      }
      index.putIfAbsent(words.get(i), i);
    }
    double h = 0;
    for (int r = 1; r <= words.size(); r++) {
      h += 1.0 / r;
    }
    this.harmonic = h;
  }

  public int dimension() {
    return dimension;
  }

  public int size() {
    return words.size();
  }

  public Set<String> vocabulary() {
    return Collections.unmodifiableSet(index.keySet());
  }

  public boolean contains(String word) {
    return index.containsKey(word);
  }

  /** The unit vector of a word, or null when it is not in the vocabulary. */
  public float[] vector(String word) {
    Integer i = index.get(word);
    if (i == null) {
      return null;
    }
    float[] v = new float[dimension];
    System.arraycopy(vectors, i * dimension, v, 0, dimension);
    return v;
  }

  /** How much a word counts in a mean: a / (a + p(w)), p(w) = 1 / (rank × H(N)); 0 when unknown. */
  public double weight(String word) {
    Integer i = index.get(word);
    if (i == null) {
      return 0;
    }
    double p = 1.0 / ((i + 1) * harmonic);
    return SMOOTHING / (SMOOTHING + p);
  }

  /** The {@code n} words closest to {@code word} by cosine, with their similarity. */
  public List<Map.Entry<String, Double>> nearest(String word, int n) {
    float[] v = vector(word);
    if (v == null) {
      return List.of();
    }
    List<Map.Entry<String, Double>> best = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      if (!words.get(i).equals(word)) {
        double similarity = dot(v, i);
        best.add(Map.entry(words.get(i), similarity));
      }
    }
    best.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    return best.subList(0, Math.min(n, best.size()));
  }

  private double dot(float[] v, int row) {
    double sum = 0;
    int offset = row * dimension;
    for (int d = 0; d < dimension; d++) {
      sum += v[d] * vectors[offset + d];
    }
    return sum;
  }

  /** Writes the word2vec text format, words in rank order. */
  public void writeText(Path file) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(words.size() + " " + dimension + "\n");
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < words.size(); i++) {
        line.setLength(0);
        line.append(words.get(i));
        for (int d = 0; d < dimension; d++) {
          line.append(' ').append(String.format(Locale.ROOT, "%.6f", vectors[i * dimension + d]));
        }
        out.write(line.append('\n').toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** A word2vec or fastText vectors file, text or binary (detected), gzip or not. */
  public static WordVectors read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserException("vectors file " + file + " does not exist");
    }
    try {
      byte[] head = new byte[64];
      int read;
      try (InputStream in = open(file)) {
        read = in.readNBytes(head, 0, head.length);
      }
      int newline = -1;
      for (int i = 0; i < read; i++) {
        if (head[i] == '\n') {
          newline = i;
          break;
        }
      }
      if (newline < 0 || !new String(head, 0, newline, StandardCharsets.UTF_8).trim().matches("\\d+ \\d+")) {
        throw new UserException(file + ": not a word2vec/fastText vectors file (the first line must be 'N D')");
      }
      return isBinary(file) ? readBinary(file) : readText(file);
    } catch (IOException e) {
      throw new UserException(file + ": " + e.getMessage(), e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** Binary files hold raw floats after the first word: bytes no UTF-8 text of digits has. */
  private static boolean isBinary(Path file) throws IOException {
    try (InputStream in = open(file)) {
      byte[] sample = in.readNBytes(4096);
      int firstLine = 0;
      while (firstLine < sample.length && sample[firstLine] != '\n') {
        firstLine++;
      }
      for (int i = firstLine + 1; i < sample.length; i++) {
        int b = sample[i] & 0xff;
        if (b < 0x09 || (b > 0x0d && b < 0x20)) {
          return true;
        }
      }
      return false;
    }
  }

  private static WordVectors readText(Path file) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
      String[] header = in.readLine().trim().split(" ");
      int count = Integer.parseInt(header[0]);
      int dimension = Integer.parseInt(header[1]);
      List<String> words = new ArrayList<>(count);
      List<float[]> vectors = new ArrayList<>(count);
      String line;
      int lineNumber = 1;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        String[] fields = line.trim().split(" ");
        if (fields.length != dimension + 1) {
          throw new UserException(file + " line " + lineNumber + ": " + (fields.length - 1) + " values, not "
              + dimension);
        }
        float[] v = new float[dimension];
        for (int d = 0; d < dimension; d++) {
          v[d] = Float.parseFloat(fields[d + 1]);
        }
        words.add(fields[0]);
        vectors.add(v);
      }
      if (words.size() != count) {
        throw new UserException(file + ": the header announces " + count + " words, the file holds " + words.size());
      }
      return new WordVectors(words, vectors);
    }
  }

  private static WordVectors readBinary(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(open(file))) {
      String[] header = readUntil(in, '\n').trim().split(" ");
      int count = Integer.parseInt(header[0]);
      int dimension = Integer.parseInt(header[1]);
      List<String> words = new ArrayList<>(count);
      List<float[]> vectors = new ArrayList<>(count);
      byte[] raw = new byte[4 * dimension];
      for (int i = 0; i < count; i++) {
        String word = readUntil(in, ' ').strip();
        in.readFully(raw);
        float[] v = new float[dimension];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        words.add(word);
        vectors.add(v);
      }
      return new WordVectors(words, vectors);
    } catch (EOFException e) {
      throw new UserException(file + ": truncated binary vectors file", e);
    }
  }

  private static String readUntil(DataInputStream in, char stop) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != stop) {
      bytes.write(b);
    }
    if (b == -1 && bytes.size() == 0) {
      throw new EOFException();
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
