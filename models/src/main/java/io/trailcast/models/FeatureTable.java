package io.trailcast.models;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.trailcast.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * A feature table a user brings (a CRM or analytics export, CSV with a header): one row per
 * visitor or account, a label column, numeric and categorical columns. Read into the rows the
 * conversion model trains on, with the stages that turn its columns into one feature vector.
 */
public final class FeatureTable {
  /** Label values read as converted (besides a number above 0 and a boolean true). */
  private static final List<String> POSITIVE = List.of("1", "true", "yes", "y", "converted");
  private static final List<String> NEGATIVE = List.of("0", "false", "no", "n", "not converted");

  /**
   * The table: {@code label} (1.0 or 0.0) and the feature columns (numeric as doubles, missing ones
   * null; categorical as strings, missing ones "(missing)"), with what was left out and why.
   */
  public record Table(Dataset<Row> rows, List<String> numeric, List<String> categorical, long rowsRead,
      long withoutLabel, Map<String, String> columnsLeftOut) {
    /** The stages that turn the columns into {@code features}: median for missing numbers, one-hot categories. */
    public List<PipelineStage> featureStages() {
      List<PipelineStage> stages = new ArrayList<>();
      List<String> inputs = new ArrayList<>();
      if (!numeric.isEmpty()) {
        List<String> imputed = numeric.stream().map(c -> c + "_value").toList();
        stages.add(new Imputer().setStrategy("median").setInputCols(numeric.toArray(new String[0]))
            .setOutputCols(imputed.toArray(new String[0])));
        inputs.addAll(imputed);
      }
      for (String c : categorical) {
        stages.add(new StringIndexer().setInputCol(c).setOutputCol(c + "_index").setHandleInvalid("keep"));
        stages.add(new OneHotEncoder().setInputCol(c + "_index").setOutputCol(c + "_vec").setHandleInvalid("keep"));
        inputs.add(c + "_vec");
      }
      stages.add(new VectorAssembler().setInputCols(inputs.toArray(new String[0])).setOutputCol("features"));
      return stages;
    }
  }

  private FeatureTable() {
  }

  /**
   * Reads {@code csv}: {@code label} names the label column (1/0, true/false, yes/no, or a number:
   * above 0 is converted); {@code categorical} names numeric columns that are codes, not
   * quantities; {@code ignore} names columns to leave out (ids). Text columns are categorical.
   */
  public static Table read(SparkSession spark, Path csv, String label, Set<String> categorical, Set<String> ignore) {
    if (!Files.isRegularFile(csv)) {
      throw new UserException("no feature table at " + csv);
    }
    String header;
    try (java.io.BufferedReader in = Files.newBufferedReader(csv)) {
      header = in.readLine();
    } catch (java.io.IOException e) {
      throw new UserException("cannot read " + csv + ": " + e.getMessage());
    }
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true")
        .option("sep", separator(header == null ? "" : header)).option("mode", "PERMISSIVE").csv(csv.toString());
    List<String> columns = List.of(raw.columns());
    for (String named : concat(List.of(label), categorical, ignore)) {
      if (!columns.contains(named)) {
        throw new UserException("column '" + named + "' is not in " + csv.getFileName() + " (columns: "
            + String.join(", ", columns) + ")");
      }
    }
    List<Column> selected = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    List<String> categories = new ArrayList<>();
    Map<String, String> leftOut = new LinkedHashMap<>();
    selected.add(labelValue(raw.schema().apply(label)).as("label"));
    for (StructField field : raw.schema().fields()) {
      String name = field.name();
      String safe = name.replaceAll("[^A-Za-z0-9_]", "_");
      // Names the pipeline uses for its own columns.
      if (List.of("label", "weight", "features", "rawPrediction", "probability", "prediction", "p").contains(safe)) {
        safe = safe + "_column";
      }
      DataType type = field.dataType();
      Column column = col("`" + name + "`");
      if (name.equals(label) || ignore.contains(name)) {
        continue;
      }
      if (categorical.contains(name) || type instanceof StringType) {
        selected.add(coalesce(column.cast(DataTypes.StringType), lit("(missing)")).as(safe));
        categories.add(safe);
      } else if (type instanceof NumericType || type instanceof BooleanType) {
        selected.add(column.cast(DataTypes.DoubleType).as(safe));
        numeric.add(safe);
      } else {
        leftOut.put(name, "a " + type.simpleString() + " column is neither a number nor a category");
      }
    }
    if (numeric.isEmpty() && categories.isEmpty()) {
      throw new UserException(csv.getFileName() + " has no feature column besides the label '" + label + "'");
    }
    Dataset<Row> all = raw.select(selected.toArray(new Column[0]));
    long read = all.count();
    Dataset<Row> labelled = all.filter(col("label").isNotNull());
    long withoutLabel = read - labelled.count();
    long positives = labelled.filter(col("label").equalTo(1.0)).count();
    if (positives == 0 || positives == read - withoutLabel) {
      throw new UserException("the label '" + label + "' of " + csv.getFileName() + " has one class only ("
          + positives + " converted of " + (read - withoutLabel) + " labelled rows): nothing to learn");
    }
    return new Table(labelled, numeric, categories, read, withoutLabel, leftOut);
  }

  /**
   * The column separator of a header line: the most frequent of comma, semicolon (European spreadsheet
   * exports, UCI tables) and tab; comma when there is none.
   */
  static String separator(String header) {
    char best = ',';
    for (char candidate : new char[] {';', '\t'}) {
      if (count(header, candidate) > count(header, best)) {
        best = candidate;
      }
    }
    return String.valueOf(best);
  }

  private static long count(String text, char c) {
    return text.chars().filter(ch -> ch == c).count();
  }

  /** 1.0, 0.0, or null when the value says neither (such rows are counted and left out). */
  private static Column labelValue(StructField field) {
    Column value = col("`" + field.name() + "`");
    if (field.dataType() instanceof NumericType) {
      return when(value.gt(0), lit(1.0)).when(value.isNotNull(), lit(0.0));
    }
    if (field.dataType() instanceof BooleanType) {
      return when(value, lit(1.0)).when(value.isNotNull(), lit(0.0));
    }
    Column text = lower(trim(value.cast(DataTypes.StringType)));
    return when(text.isin(POSITIVE.toArray()), lit(1.0)).when(text.isin(NEGATIVE.toArray()), lit(0.0));
  }

  private static List<String> concat(List<String> first, Set<String> second, Set<String> third) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second.stream().sorted().toList());
    all.addAll(third.stream().sorted().toList());
    return all;
  }

  /** A one-line account of what was read, for the CLI. */
  public static String describe(Table table) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%,d rows read, %,d numeric and %,d categorical "
        + "columns", table.rowsRead(), table.numeric().size(), table.categorical().size()));
    if (table.withoutLabel() > 0) {
      out.append(String.format(Locale.ROOT, "; %,d rows left out: their label is empty or neither 1/0, true/false, "
          + "yes/no nor a number", table.withoutLabel()));
    }
    table.columnsLeftOut().forEach((c, why) -> out.append("; column ").append(c).append(" left out: ").append(why));
    return out.toString();
  }
}
