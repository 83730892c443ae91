package io.trailcast.aggregate.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;

import io.trailcast.core.UserException;
import io.trailcast.ingest.EventBuilder;
import io.trailcast.ingest.Hashing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * A CRM extract (CSV with a header: crm_id, email, and optionally plan, country, signup_date):
 * its accounts, with the email only as the salted hash ingest gives logins, and the edges CRM id
 * ↔ email. A row without a CRM id is left out; a placeholder or empty email (unknown, test
 * addresses) keeps the account but links nothing.
 */
public final class CrmExtract {
  private static final List<String> REQUIRED = List.of("crm_id", "email");
  private static final List<String> OPTIONAL = List.of("plan", "country", "signup_date");

  /** accounts: (crm_id, email_hash, plan, country, signup_date); edges as IdentityGraph reads them. */
  public record Read(Dataset<Row> accounts, Dataset<Row> edges, long leftOut, long withoutEmail) {
    /**
     * Without the accounts (and their edges) whose {@code crm:} id or {@code e:} email hash is in
     * {@code suppressed} (one column, identifier): forgotten persons. Counted as left out.
     */
    public Read without(Dataset<Row> suppressed) {
      Column identifier = suppressed.col("identifier");
      Dataset<Row> kept = accounts.join(suppressed, concat(lit("crm:"), accounts.col("crm_id")).equalTo(identifier)
          .or(concat(lit("e:"), accounts.col("email_hash")).equalTo(identifier)), "left_anti");
      Dataset<Row> keptEdges = edges.join(kept.select(concat(lit("crm:"), col("crm_id")).as("kept")),
          col("identifier").equalTo(col("kept")), "left_semi");
      long dropped = accounts.count() - kept.count();
      return new Read(kept, keptEdges, leftOut + dropped, withoutEmail);
    }
  }

  private CrmExtract() {
  }

  public static Read read(SparkSession spark, Path csv, String salt) {
    if (!Files.isRegularFile(csv)) {
      throw new UserException("no CRM extract at " + csv);
    }
    Dataset<Row> raw = spark.read().option("header", "true").csv(csv.toString());
    List<String> columns = List.of(raw.columns());
    for (String required : REQUIRED) {
      if (!columns.contains(required)) {
        throw new UserException("the CRM extract " + csv.getFileName() + " has no column '" + required
            + "' (columns: " + String.join(", ", columns) + "; needed: crm_id, email; optional: plan, country, "
            + "signup_date)");
      }
    }
    for (String optional : OPTIONAL) {
      if (!columns.contains(optional)) {
        raw = raw.withColumn(optional, lit(null).cast(DataTypes.StringType));
      }
    }
    UserDefinedFunction hash = udf((UDF1<String, String>) email -> {
      String normalised = EventBuilder.login(email);
      return normalised == null || !normalised.contains("@") ? null : Hashing.salted(salt, normalised);
    }, DataTypes.StringType);
    Dataset<Row> all = raw.select(trim(col("crm_id")).as("crm_id"), hash.apply(col("email")).as("email_hash"),
        trim(col("plan")).as("plan"), trim(col("country")).as("country"),
        to_date(trim(col("signup_date"))).as("signup_date")).localCheckpoint();
    Dataset<Row> accounts = all.filter(col("crm_id").isNotNull().and(col("crm_id").notEqual("")))
        .dropDuplicates("crm_id");
    long leftOut = all.count() - accounts.count();
    Dataset<Row> linked = accounts.filter(col("email_hash").isNotNull());
    Dataset<Row> edges = linked.select(concat(lit("crm:"), col("crm_id")).as("identifier"),
        concat(lit("e:"), col("email_hash")).as("other"), lit(IdentityGraph.CRM).as("identifier_type"),
        lit(IdentityGraph.EMAIL).as("other_type"), lit("crm").as("source"),
        col("signup_date").cast(DataTypes.TimestampType).as("first_seen"),
        col("signup_date").cast(DataTypes.TimestampType).as("last_seen"));
    return new Read(accounts, edges, leftOut, accounts.count() - linked.count());
  }
}
