// What the partitions of a small training set cost a model search (docs/BENCHMARKS.md, "Small runs"):
// the search of `model train` (3 regularisations x 3 folds of a logistic pipeline, two fits at a time)
// on 700 synthetic rows, four times in one JVM for each PARTITIONS:PARALLELISM given. No Cassandra.
// From the checkout root:
//   java $(cat deploy/target/launcher/jvm.flags) -cp "$(cat deploy/spark-runtime/target/spark.classpath):deploy/target/trailcast-jobs.jar" \
//     bench/ModelSearchPartitions.java 4:2 1:2
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

public class ModelSearchPartitions {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").config("spark.locality.wait", "0s").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    // Trails of eight pages out of sixty; five of the pages raise the odds of converting.
    Random random = new Random(1);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      List<String> pages = new ArrayList<>();
      double logit = -2;
      for (int k = 0; k < 8; k++) {
        int page = random.nextInt(60);
        pages.add("p" + page);
        logit += page < 5 ? 0.7 : 0;
      }
      double label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create(label, 1.0, pages.toArray(new String[0]), (double) random.nextInt(10)));
    }
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("weight", DataTypes.DoubleType)
        .add("pages", DataTypes.createArrayType(DataTypes.StringType)).add("depth", DataTypes.DoubleType);
    for (String mode : args) {
      int partitions = Integer.parseInt(mode.split(":")[0]);
      int parallelism = Integer.parseInt(mode.split(":")[1]);
      Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(partitions).cache();
      data.count();
      for (int run = 1; run <= 4; run++) {
        LogisticRegression lr = new LogisticRegression().setWeightCol("weight").setMaxIter(100);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new CountVectorizer().setInputCol("pages").setOutputCol("pages_vec").setBinary(true),
            new VectorAssembler().setInputCols(new String[] {"depth", "pages_vec"}).setOutputCol("features"), lr});
        ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.003, 0.03, 0.3}).build();
        CrossValidator search = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
            .setEvaluator(new BinaryClassificationEvaluator()).setNumFolds(3).setSeed(1).setParallelism(parallelism);
        long started = System.nanoTime();
        search.fit(data);
        System.out.printf("search: %d partitions, %d fits at a time, run %d: %.2f s%n", partitions, parallelism, run,
            (System.nanoTime() - started) / 1e9);
      }
      data.unpersist();
    }
    spark.stop();
  }
}
