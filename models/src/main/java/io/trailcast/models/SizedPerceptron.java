package io.trailcast.models;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * MLlib's multilayer perceptron with its input layer sized at fit time. A perceptron's layers are fixed
 * before it fits, but a trail's vector length is only known once the vocabularies of the same pipeline
 * have been fitted (each fold of a search fits its own): this estimator reads the length from the
 * features column (its metadata, else the first row), then fits {@link MultilayerPerceptronClassifier}
 * with {@code [length, hidden..., 2]}. What it returns is MLlib's own model, saved and loaded as such.
 */
public final class SizedPerceptron extends Estimator<MultilayerPerceptronClassificationModel> {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final Param<String> featuresCol;
  private final IntArrayParam hidden;
  private final IntParam maxIter;
  private final LongParam seed;

  public SizedPerceptron() {
    this(Identifiable$.MODULE$.randomUID("sizedPerceptron"));
  }

  /** The constructor Spark's {@code defaultCopy} calls when a search copies the stage with its parameters. */
  public SizedPerceptron(String uid) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "the features column");
    hidden = new IntArrayParam(this, "hidden", "sizes of the hidden layers");
    maxIter = new IntParam(this, "maxIter", "L-BFGS iterations at most");
    seed = new LongParam(this, "seed", "the initial weights' seed");
    setDefault(featuresCol, "features");
    setDefault(hidden, new int[] {16});
    setDefault(maxIter, 100);
    setDefault(seed, 42L);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public IntArrayParam hidden() {
    return hidden;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public LongParam seed() {
    return seed;
  }

  public SizedPerceptron setFeaturesCol(String value) {
    set(featuresCol, value);
    return this;
  }

  public SizedPerceptron setMaxIter(int value) {
    set(maxIter, value);
    return this;
  }

  public SizedPerceptron setSeed(long value) {
    set(seed, value);
    return this;
  }

  @Override
  public MultilayerPerceptronClassificationModel fit(Dataset<?> dataset) {
    String column = $(featuresCol);
    int size = AttributeGroup.fromStructField(dataset.schema().apply(column)).size();
    if (size < 0) {
      size = ((Vector) dataset.select(column).first().get(0)).size();
    }
    int[] inner = $(hidden);
    int[] layers = new int[inner.length + 2];
    layers[0] = size;
    System.arraycopy(inner, 0, layers, 1, inner.length);
    layers[layers.length - 1] = 2;
    return new MultilayerPerceptronClassifier().setFeaturesCol(column).setLabelCol("label").setLayers(layers)
        .setMaxIter((Integer) $(maxIter)).setSeed((Long) $(seed)).fit(dataset);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return new MultilayerPerceptronClassifier().setFeaturesCol($(featuresCol)).setLabelCol("label")
        .transformSchema(schema);
  }

  @Override
  public SizedPerceptron copy(ParamMap extra) {
    return (SizedPerceptron) defaultCopy(extra);
  }
}
