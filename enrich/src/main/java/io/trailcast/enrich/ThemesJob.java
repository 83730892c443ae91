package io.trailcast.enrich;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cassandra.JobRuns;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.CassandraTables;
import io.trailcast.core.spark.CassandraWriter;
import io.trailcast.core.spark.ShufflePartitions;
import io.trailcast.enrich.themes.ThemeAssigner;
import io.trailcast.enrich.tokens.UrlTokenizer;
import io.trailcast.ingest.Event;
import io.trailcast.ingest.EventDays;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark side of themes: the pages of a window, their assignment to {@code url_themes} (the
 * assigner broadcast once to every executor), and the navigation sentences Word2Vec trains on.
 */
public final class ThemesJob {
  private static final Logger LOG = LoggerFactory.getLogger(ThemesJob.class);
  private static final StructType URL_THEMES = new StructType()
      .add("url", DataTypes.StringType, false)
      .add("theme", DataTypes.StringType)
      .add("score", DataTypes.DoubleType)
      .add("runner_up", DataTypes.StringType)
      .add("runner_up_score", DataTypes.DoubleType)
      .add("source", DataTypes.StringType)
      .add("model_version", DataTypes.StringType)
      .add("assigned_at", DataTypes.TimestampType);
  private static final StructType TOKENS = new StructType()
      .add("url", DataTypes.StringType, false)
      .add("tokens", DataTypes.StringType);

  private ThemesJob() {
  }

  /** What an assign run did. */
  public record Result(long urls, long scored, long kept, Map<String, Long> themes) {
    public String line() {
      return String.format("%,d distinct page URLs: %,d scored, %,d kept (already scored with this model and these "
          + "definitions); themes of those scored: %s", urls, scored, kept, themes);
    }
  }

  /** Distinct URLs of the pageviews of the days {@code from..to}. */
  public static Dataset<Row> pageUrls(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to) {
    return EventDays.events(spark, target, from, to, "url", "interactive", "status", "action")
        .filter(Event.pageviewColumn())
        .select("url").distinct();
  }

  /**
   * Scores the window's page URLs into url_themes. URLs already scored with the same model and
   * definitions are kept unless {@code force}.
   */
  public static Result assign(SparkSession spark, Store store, LocalDate from, LocalDate to,
      ThemeAssigner assigner, boolean force) {
    CassandraTarget target = store.target();
    Result result = JobRuns.record(store, "themes-assign", List.of(assigner.modelVersion()), from, to,
        (cql, run) -> ShufflePartitions.with(spark, EventDays.shufflePartitions(spark, cql, from, to),
            () -> assign(spark, target, from, to, assigner, force, run)), done -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          counts.put("urls", done.urls());
          counts.put("scored", done.scored());
          counts.put("kept", done.kept());
          return counts;
        });
    LOG.info("themes assign {}..{}: {}", from, to, result.line());
    return result;
  }

  private static Result assign(SparkSession spark, CassandraTarget target, LocalDate from, LocalDate to,
      ThemeAssigner assigner, boolean force, JobRuns run) {
    Dataset<Row> urls = pageUrls(spark, target, from, to).cache();
    try {
      long total = urls.count();
      Dataset<Row> todo = urls;
      if (!force) {
        Dataset<Row> current = CassandraTables.lookup(spark, urls, target, "url_themes", "url", "model_version")
            .filter(col("model_version").equalTo(lit(assigner.modelVersion())));
        todo = urls.join(current, urls.col("url").equalTo(current.col("url")), "left_anti");
      }
      Broadcast<ThemeAssigner> shared = spark.sparkContext().broadcast(assigner,
          scala.reflect.ClassTag$.MODULE$.apply(ThemeAssigner.class));
      Timestamp now = Timestamp.from(run.startedAt());
      Dataset<Row> assigned = todo.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
        ThemeAssigner local = shared.value();
        List<Row> out = new ArrayList<>();
        while (rows.hasNext()) {
          ThemeAssigner.Assignment a = local.assign(rows.next().getString(0));
          out.add(RowFactory.create(a.url(), a.theme(), a.score(), a.runnerUp(), a.runnerUpScore(), a.source(),
              a.modelVersion(), now));
        }
        return out.iterator();
      }, Encoders.row(URL_THEMES)).cache();
      try {
        CassandraWriter.write(spark, assigned, target, "url_themes");
        Map<String, Long> themes = new TreeMap<>();
        for (Row row : assigned.groupBy("theme").count().collectAsList()) {
          themes.put(row.getString(0), row.getLong(1));
        }
        long scored = themes.values().stream().mapToLong(Long::longValue).sum();
        return new Result(total, scored, total - scored, themes);
      } finally {
        assigned.unpersist();
      }
    } finally {
      urls.unpersist();
    }
  }

  /**
   * The navigation sentences of the window: each stored session's page URLs in time order, their
   * tokens one after the other. Needs the aggregate's sessions of the window.
   */
  public static List<String> navigationSentences(SparkSession spark, CassandraTarget target, LocalDate from,
      LocalDate to, UrlTokenizer tokenizer) {
    Dataset<Row> inSessions = SessionEvents.of(spark, target, from, to,
            List.of("url", "interactive", "status", "action"), List.of("bot"))
        .filter(Event.pageviewColumn().and(not(col("bot"))))
        .select("session_id", "ts", "url")
        .cache();
    try {
      Dataset<Row> urls = inSessions.select("url").distinct();
      Dataset<Row> tokens = urls.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
        List<Row> out = new ArrayList<>();
        while (rows.hasNext()) {
          String url = rows.next().getString(0);
          out.add(RowFactory.create(url, String.join(" ", tokenizer.tokens(url))));
        }
        return out.iterator();
      }, Encoders.row(TOKENS));
      List<String> sentences = new ArrayList<>();
      for (Row row : inSessions.join(tokens, "url")
          .groupBy("session_id")
          .agg(sort_array(collect_list(struct(col("ts"), col("tokens")))).as("pages"))
          .select("pages")
          .collectAsList()) {
        StringBuilder sentence = new StringBuilder();
        for (Row page : row.<Row>getList(0)) {
          String words = page.getString(1);
          if (!words.isEmpty()) {
            sentence.append(sentence.length() == 0 ? "" : " ").append(words);
          }
        }
        if (sentence.length() > 0) {
          sentences.add(sentence.toString());
        }
      }
      if (sentences.isEmpty()) {
        throw new UserException("no sessions with pages in " + from + ".." + to
            + ": ingest and aggregate those days first (training reads their sessions)");
      }
      return sentences;
    } finally {
      inSessions.unpersist();
    }
  }
}
