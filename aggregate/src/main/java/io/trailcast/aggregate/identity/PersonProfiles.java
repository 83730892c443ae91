package io.trailcast.aggregate.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.ingest.EventDays;
import java.sql.Timestamp;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code person_profile}: a person's activity merged over their user ids (from
 * {@code user_lifetime}; active days counted once across devices, from {@code user_daily}) plus
 * the attributes of their CRM account. Written for the persons of the graph and of every user
 * active in the window; a user id outside the graph is a person of its own.
 */
public final class PersonProfiles {
  private PersonProfiles() {
  }

  public static void write(SparkSession spark, CassandraTarget target, Dataset<Row> persons, LocalDate from,
      LocalDate to, Timestamp now) {
    Dataset<Row> active = EventDays.partitions(spark, target, from, to).select("user_id").distinct();
    Dataset<Row> alone = active.join(persons, active.col("user_id").equalTo(persons.col("identifier")), "left_anti")
        .select(col("user_id").as("identifier"), lit(IdentityGraph.USER).as("identifier_type"),
            col("user_id").as("person_id"));
    Dataset<Row> members = persons.select("identifier", "identifier_type", "person_id").union(alone).cache();
    Dataset<Row> users = members.filter(col("identifier_type").equalTo(IdentityGraph.USER))
        .select(col("identifier").as("user_id"), col("person_id"));

    Dataset<Row> lifetimes = CassandraTables.lookup(spark, users.select("user_id"), target, "user_lifetime",
        "user_id", "first_seen", "last_seen", "pageviews", "sessions", "conversions", "theme_pageviews")
        .join(users, "user_id");
    Dataset<Row> totals = lifetimes.groupBy("person_id").agg(min("first_seen").as("first_seen"),
        max("last_seen").as("last_seen"), sum("pageviews").as("pageviews"), sum("sessions").as("sessions"),
        sum("conversions").as("conversions"));
    Dataset<Row> themes = lifetimes.select(col("person_id"), explode(col("theme_pageviews"))
            .as(new String[] {"theme", "n"}))
        .groupBy("person_id", "theme").agg(sum("n").as("n"))
        .groupBy("person_id").agg(map_from_entries(collect_list(struct(col("theme"), col("n"))))
            .as("theme_pageviews"));
    // Active days once per person: the days of every month between a user's first and last event.
    Dataset<Row> months = lifetimes.select(col("user_id"), explode(expr("sequence(trunc(to_date(first_seen), 'MM'), "
        + "trunc(to_date(last_seen), 'MM'), interval 1 month)")).as("m"))
        .select(col("user_id"), date_format(col("m"), "yyyy-MM").as("month")).distinct();
    Dataset<Row> days = CassandraTables.lookup(spark, months, target, "user_daily", "user_id", "day")
        .join(users, "user_id").groupBy("person_id").agg(countDistinct("day").as("active_days"));
    Dataset<Row> crm = members.filter(col("identifier_type").equalTo(IdentityGraph.CRM))
        .select(regexp_replace(col("identifier"), "^crm:", "").as("crm_id"), col("person_id"));
    Dataset<Row> accounts = CassandraTables.lookup(spark, crm.select("crm_id"), target, "crm_accounts", "crm_id",
            "plan", "country", "signup_date")
        .join(crm, "crm_id").groupBy("person_id").agg(first("crm_id").as("crm_id"), first("plan").as("plan"),
            first("country").as("country"), first("signup_date").as("signup_date"));
    Dataset<Row> profiles = members.groupBy("person_id").agg(collect_set("identifier").as("identifiers"))
        .join(totals, new String[] {"person_id"}, "left")
        .join(themes, new String[] {"person_id"}, "left")
        .join(days, new String[] {"person_id"}, "left")
        .join(accounts, new String[] {"person_id"}, "left")
        .withColumn("active_days", coalesce(col("active_days"), lit(0L)))
        .withColumn("updated_at", lit(now));
    CassandraWriter.write(spark, profiles, target, "person_profile");
    members.unpersist();
  }
}
