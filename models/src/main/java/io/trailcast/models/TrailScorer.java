package io.trailcast.models;

import io.trailcast.core.UserException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * Everything between a session's events and its conversion score, for one saved model version:
 * the trail cut (conversion, funnel pages) and the minimum pageviews the model was trained with,
 * the feature pipeline and the classifier, all as plain Java on one trail: no Spark job per
 * score. Batch {@code model score}, the streaming job and {@code serve} all score through it,
 * so the same trail gets the same score wherever it is scored.
 *
 * <p>The pipeline's stages are replayed as MLlib computes them: each vocabulary
 * ({@link CountVectorizerModel}) counts the words it knows, keeps those at or above its minimum
 * term frequency, as 1.0 when binary; the assembler concatenates the numeric features and the
 * vectors in its input order; the classifier's own {@code predictProbability} then scores the
 * vector, which is what its {@code transform} computes. A standard scaler after the assembler (a
 * perceptron's pipeline) is replayed as well.
 */
public final class TrailScorer implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrailScorer.class);

  /** How a session's events become the trail a model scores: where it stops, and how long it must be. */
  public record Rules(List<String> funnel, int minPageviews) implements Serializable {
    public Rules {
      funnel = List.copyOf(funnel);
      if (minPageviews < 0) {
        throw new UserException("the minimum pageviews must not be negative: " + minPageviews);
      }
    }

    /** The rules a recorded model was trained with. */
    public static Rules of(ModelRegistry.Recorded recorded) {
      return new Rules(recorded.funnel(), recorded.minPageviews());
    }

    public List<Pattern> patterns() {
      return funnel.stream().map(Pattern::compile).toList();
    }

    /**
     * A finished session's trail: its events up to (never including) the first conversion or
     * funnel page, ending at the last interactive event before that, the moment a site would last
     * have scored it. Null when it has fewer pageviews than the minimum.
     */
    public TrailFeatures.Features trail(List<TrailFeatures.Event> events, List<Pattern> patterns,
        TrailFeatures.History history) {
      int end = TrailFeatures.cut(events, patterns);
      while (end > 0 && !events.get(end - 1).interactive()) {
        end--;
      }
      return atLeastMinimum(TrailFeatures.of(events, end, history));
    }

    /** The features of a trail prefix, or null under the minimum pageviews: no score, rather than 0. */
    public TrailFeatures.Features atLeastMinimum(TrailFeatures.Features features) {
      return features.pageviews() >= minPageviews ? features : null;
    }
  }

  /** A score: the probability of converting and the three features that pushed it most. */
  public record Score(double probability, List<String> topFeatures) implements Serializable {
  }

  /** One input of the assembler: a numeric feature (by its index) or a vocabulary over a list feature. */
  private record Input(int numeric, String list, Map<String, Integer> vocabulary, double minTf, boolean binary)
      implements Serializable {
  }

  // Serialised beside each trained pipeline (SIDECAR): a change to these fields, or to those of the records they
  // hold, takes a new SIDECAR name.
  private final String version;
  private final Rules rules;
  private final List<Input> inputs;
  private final int size;
  private final ProbabilisticClassificationModel<Vector, ?> classifier;
  private final List<String> names;
  private final double[] weights;
  private final boolean signedWeights;
  /** A standard scaler between the assembler and the classifier (a perceptron's), or null. */
  private final Scaler scaler;
  private transient List<Pattern> patterns;

  /**
   * What {@link StandardScalerModel} computes: (x − mean) × (1 / std), the mean only when it centres, a
   * feature of no spread at 0.
   */
  private record Scaler(double[] mean, double[] scale, boolean withMean) implements Serializable {
    static Scaler of(StandardScalerModel model) {
      double[] std = model.std().toArray();
      double[] scale = new double[std.length];
      for (int i = 0; i < std.length; i++) {
        scale[i] = !model.getWithStd() ? 1.0 : std[i] != 0.0 ? 1.0 / std[i] : 0.0;
      }
      return new Scaler(model.getWithMean() ? model.mean().toArray() : new double[std.length], scale,
          model.getWithMean());
    }

    Vector apply(Vector features) {
      double[] x = features.toArray();
      for (int i = 0; i < x.length; i++) {
        x[i] = withMean ? (x[i] - mean[i]) * scale[i] : x[i] * scale[i];
      }
      return Vectors.dense(x);
    }
  }

  private TrailScorer(String version, Rules rules, List<Input> inputs, int size,
      ProbabilisticClassificationModel<Vector, ?> classifier, List<String> names, double[] weights,
      boolean signedWeights, Scaler scaler) {
    this.version = version;
    this.rules = rules;
    this.inputs = inputs;
    this.size = size;
    this.classifier = classifier;
    this.names = names;
    this.weights = weights;
    this.signedWeights = signedWeights;
    this.scaler = scaler;
  }

  /**
   * The file beside a saved pipeline that holds its scorer, Java-serialised: read in milliseconds where loading the
   * pipeline takes Spark jobs (some 30 s in a cold stream JVM). Its name carries the format: a change to this class's
   * fields is a new name, so an old file is ignored, never misread.
   */
  public static final String SIDECAR = "trail-scorer-1.ser";

  /** The scorer of a recorded trail model: its sidecar when it is there and matches, else its saved pipeline. */
  public static TrailScorer load(ModelRegistry.Recorded recorded) {
    if (!recorded.kind().equals(ModelRegistry.TRAILS)) {
      throw new UserException("model " + recorded.version() + " was trained on a feature table, not on session "
          + "trails: it cannot score sessions");
    }
    TrailScorer saved = readSidecar(recorded);
    return saved != null ? saved : of(recorded.version(), PipelineModel.load(recorded.path()), Rules.of(recorded));
  }

  /**
   * Writes this scorer beside its pipeline (model train does, once the pipeline is saved at {@code path}); a
   * pipeline saved elsewhere than on a file system path (hdfs:, s3a:) gets none and is loaded as a pipeline.
   */
  public void saveBeside(String path) {
    java.nio.file.Path file = local(path);
    if (file == null) {
      return;
    }
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(java.nio.file.Files.newOutputStream(
        file.resolve(SIDECAR)))) {
      out.writeObject(this);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write the scorer beside the model at " + path, e);
    }
  }

  /** A saved model's directory as a local path (a plain path or a file: URI), or null. */
  private static java.nio.file.Path local(String path) {
    if (path.startsWith("file:")) {
      return java.nio.file.Path.of(java.net.URI.create(path));
    }
    return path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !path.matches("^[A-Za-z]:[\\\\/].*") ? null
        : java.nio.file.Path.of(path);
  }

  /**
   * The sidecar's scorer, or null when there is none, it does not read (another build's classes), or it is not
   * this recorded model's (version or rules): the pipeline is then loaded as before.
   */
  public static TrailScorer readSidecar(ModelRegistry.Recorded recorded) {
    java.nio.file.Path dir = local(recorded.path());
    java.nio.file.Path file = dir == null ? null : dir.resolve(SIDECAR);
    if (file == null || !java.nio.file.Files.isRegularFile(file)) {
      return null;
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(java.nio.file.Files.newInputStream(file))) {
      Object read = in.readObject();
      if (read instanceof TrailScorer scorer && scorer.version.equals(recorded.version())
          && scorer.rules.equals(Rules.of(recorded))) {
        return scorer;
      }
      LOG.warn("{} is not model {}'s scorer: loading the pipeline", file, recorded.version());
      return null;
    } catch (java.io.IOException | ClassNotFoundException | ClassCastException e) {
      LOG.warn("cannot read {} ({}): loading the pipeline", file, e.toString());
      return null;
    }
  }

  /**
   * The scorer of a trail pipeline: vocabularies over the trail's lists, an assembler of the
   * numeric features and those vectors, then a probabilistic classifier.
   */
  @SuppressWarnings("unchecked")
  public static TrailScorer of(String version, PipelineModel model, Rules rules) {
    Map<String, Input> vectors = new HashMap<>();
    VectorAssembler assembler = null;
    Scaler scaler = null;
    Transformer[] stages = model.stages();
    for (int i = 0; i < stages.length - 1; i++) {
      if (stages[i] instanceof CountVectorizerModel cv) {
        Map<String, Integer> vocabulary = new HashMap<>();
        String[] words = cv.vocabulary();
        for (int w = 0; w < words.length; w++) {
          vocabulary.put(words[w], w);
        }
        vectors.put(cv.getOutputCol(), new Input(-1, cv.getInputCol(), vocabulary, cv.getMinTF(), cv.getBinary()));
      } else if (stages[i] instanceof VectorAssembler found) {
        assembler = found;
      } else if (stages[i] instanceof StandardScalerModel standard && assembler != null) {
        scaler = Scaler.of(standard);
      } else {
        throw new UserException("model " + version + " has a stage a trail scorer does not know: "
            + stages[i].getClass().getSimpleName());
      }
    }
    if (assembler == null || !(stages[stages.length - 1] instanceof ProbabilisticClassificationModel)) {
      throw new UserException("model " + version + " is not a trail pipeline (vocabularies, an assembler, a "
          + "probabilistic classifier)");
    }
    List<Input> inputs = new ArrayList<>();
    int size = 0;
    for (String column : assembler.getInputCols()) {
      Input input = vectors.get(column);
      if (input == null) {
        int index = TrailFeatures.NUMERIC.indexOf(column);
        if (index < 0) {
          throw new UserException("model " + version + " reads a column a trail does not have: " + column);
        }
        input = new Input(index, null, null, 0, false);
        size++;
      } else {
        size += input.vocabulary().size();
      }
      inputs.add(input);
    }
    Object last = stages[stages.length - 1];
    double[] weights = last instanceof LogisticRegressionModel lr ? lr.coefficients().toArray()
        : last instanceof GBTClassificationModel gbt ? gbt.featureImportances().toArray() : new double[0];
    return new TrailScorer(version, rules, List.copyOf(inputs), size,
        (ProbabilisticClassificationModel<Vector, ?>) last, ConversionModel.featureNames(model), weights,
        last instanceof LogisticRegressionModel, scaler);
  }

  public String version() {
    return version;
  }

  public Rules rules() {
    return rules;
  }

  /** The compiled funnel patterns of the rules (kept per instance, rebuilt after deserialization). */
  public List<Pattern> patterns() {
    if (patterns == null) {
      patterns = rules.patterns();
    }
    return patterns;
  }

  /** A finished session's trail by this model's rules, or null when it is too short to score. */
  public TrailFeatures.Features trail(List<TrailFeatures.Event> events, TrailFeatures.History history) {
    return rules.trail(events, patterns(), history);
  }

  /** The assembled feature vector of a trail, as the pipeline's {@code features} column holds it. */
  public Vector vector(TrailFeatures.Features f) {
    List<Integer> indices = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    int offset = 0;
    for (Input input : inputs) {
      if (input.list() == null) {
        double x = f.numeric()[input.numeric()];
        if (x != 0) {
          indices.add(offset);
          values.add(x);
        }
        offset++;
        continue;
      }
      List<String> document = list(f, input.list());
      Map<Integer, Double> counts = new java.util.TreeMap<>();
      for (String term : document) {
        Integer index = input.vocabulary().get(term);
        if (index != null) {
          counts.merge(index, 1.0, Double::sum);
        }
      }
      double minTf = input.minTf() >= 1.0 ? input.minTf() : document.size() * input.minTf();
      for (Map.Entry<Integer, Double> count : counts.entrySet()) {
        if (count.getValue() >= minTf) {
          indices.add(offset + count.getKey());
          values.add(input.binary() ? 1.0 : count.getValue());
        }
      }
      offset += input.vocabulary().size();
    }
    int[] at = indices.stream().mapToInt(Integer::intValue).toArray();
    double[] xs = values.stream().mapToDouble(Double::doubleValue).toArray();
    return Vectors.sparse(size, at, xs).compressed();
  }

  /** The probability that the trail converts. */
  public double probability(TrailFeatures.Features f) {
    return probability(vector(f));
  }

  /** The probability and the three features that pushed it most. */
  public Score score(TrailFeatures.Features f) {
    Vector v = vector(f);
    return new Score(probability(v), strongest(v, 3));
  }

  /** The classifier's probability of an assembled vector (scaled first when the pipeline scales). */
  private double probability(Vector assembled) {
    Vector input = scaler == null ? assembled : scaler.apply(assembled);
    if (classifier instanceof MultilayerPerceptronClassificationModel) {
      // MLlib's perceptron keeps its layers' output buffers between calls: tasks of one executor share this
      // scorer (a broadcast), so one score at a time.
      synchronized (classifier) {
        return classifier.predictProbability(input).apply(1);
      }
    }
    return classifier.predictProbability(input).apply(1);
  }

  /**
   * The {@code n} strongest features of one vector, as "name +0.42" (pushing up) or "name -0.13":
   * coefficient × value for a logistic model, the importance of each present feature for trees, and
   * for a perceptron what the probability loses when the feature is taken away (set to 0).
   */
  public List<String> strongest(Vector features, int n) {
    List<double[]> contributions = new ArrayList<>();
    SparseVector sparse = features.toSparse();
    double whole = weights.length == 0 ? probability(features) : 0;
    for (int k = 0; k < sparse.indices().length; k++) {
      int index = sparse.indices()[k];
      double value = sparse.values()[k];
      if (value == 0) {
        continue;
      }
      if (weights.length == 0) {
        double[] without = features.toArray();
        without[index] = 0;
        contributions.add(new double[] {index, whole - probability(Vectors.dense(without))});
      } else if (index < weights.length) {
        contributions.add(new double[] {index, signedWeights ? weights[index] * value : weights[index]});
      }
    }
    contributions.sort(Comparator.comparingDouble((double[] c) -> -Math.abs(c[1])));
    List<String> out = new ArrayList<>();
    for (double[] c : contributions.subList(0, Math.min(n, contributions.size()))) {
      int i = (int) c[0];
      out.add(String.format(Locale.ROOT, "%s %+.3f", i < names.size() ? names.get(i) : "#" + i, c[1]));
    }
    return out;
  }

  private static List<String> list(TrailFeatures.Features f, String column) {
    return switch (column) {
      case "sections" -> f.sections();
      case "bigrams" -> f.bigrams();
      case "themes" -> f.themes();
      case "landing" -> List.of(f.landing());
      default -> throw new IllegalStateException("no trail list " + column);
    };
  }
}
