package io.trailcast.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.Durations;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.ingest.SiteConfig;
import io.trailcast.stream.serve.CassandraServeData;
import io.trailcast.stream.serve.ModelWatch;
import io.trailcast.stream.serve.ScoreServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast serve}: the HTTP JSON API over scores and live bounce. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Answer HTTP JSON requests for the site and for dashboards, from Cassandra (one session, "
          + "statements prepared once; no Spark on the request path):",
        "GET /v1/users/{user_id}/score: the user's newest stored conversion score (user_id, score, scored_at, "
            + "model_version, top_features, session_id); 404 when there is none. With ?fresh=true: computed now "
            + "from the user's events in events_by_user (today's partition in the site time zone; when empty, "
            + "the newest of yesterday, the stream watermark's day and user_lifetime's last day) and their "
            + "history, with the newest model, as the stream scores that session; 404 with the reason when "
            + "there is no such event or the session is a bot's or too short, 503 when there is no model.",
        "GET /v1/landing-pages/bounce?url=U[&site=S]: the live hour and day figures (live_page_metrics, the "
            + "windows holding the stream's watermark, else now) and the recency-weighted bounce "
            + "(landing_recency) of landing page U as stored (host/path?query); 404 when it has none.",
        "GET /v1/experiments/{name}/variant?user=U: the variant of landing-page experiment {name} (the site config's "
            + "experiments file, docs/experiments.md) for the site's visitor U (e.g. its cookie id): the one recorded "
            + "for U, else one drawn from the experiment's current weights and recorded (experiment_assignments, U "
            + "only as its salted hash); JSON experiment, user_id, variant, url, assigned_at, weight, new. 404 for "
            + "an unknown experiment.",
        "GET /health: status, keyspace and model version; 503 when Cassandra does not answer.",
        "Errors are JSON {\"error\": reason}: 400 for a bad user id or parameter, 404 for an unknown path, 405 "
            + "for a method other than GET, 503 when Cassandra does not answer or every worker is busy and the "
            + "queue is full. A client has 5 s to send its request and 5 s to take its answer. The newest model "
            + "is looked up every minute and swapped in. Runs until stopped (Ctrl-C or SIGTERM)."})
public final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--port", required = true, paramLabel = "P", description = "Port to listen on (0: any free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.")
  String bind;

  @Option(names = "--threads", paramLabel = "N", defaultValue = ScoreServer.DEFAULT_THREADS,
      description = "Worker threads answering requests. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--queue", paramLabel = "N", defaultValue = ScoreServer.DEFAULT_QUEUE,
      description = "Requests that may wait for a worker; beyond them a request is answered 503 at once. "
          + "Default: ${DEFAULT-VALUE}.")
  int queue;

  @Mixin
  SiteOption siteConfig;

  @Mixin
  SaltOption salt;

  @Option(names = "--experiment-refresh", paramLabel = "DURATION", defaultValue = "5s",
      description = "How often an experiment's weights are recomputed from what its variants earned "
          + "(experiment_arms). Default: ${DEFAULT-VALUE}.")
  String experimentRefresh;

  @Option(names = "--for", paramLabel = "DURATION",
      description = "Stop after this long (e.g. 30s). Default: run until stopped (Ctrl-C).")
  String runFor;

  @Override
  public Integer call() throws InterruptedException {
    // The flags first: a mistyped one is said before anything is looked up.
    if (port < 0 || port > 65_535) {
      throw new UserException("--port must be between 0 and 65535, not " + port);
    }
    if (threads < 1 || queue < 0) {
      throw new UserException("--threads must be at least 1 and --queue at least 0");
    }
    Duration stopAfter = runFor == null ? null : Durations.parse(runFor, "--for");
    Duration refresh = Durations.parse(experimentRefresh, "--experiment-refresh");
    SiteConfig site = siteConfig.load();
    Store store = cluster.store();
    CassandraTarget target = store.target();
    CqlSession cql = store.cql();
    ModelWatch models = null;
    ScoreServer server;
    try {
      models = new ModelWatch(cql, ModelWatch.sparkLoader());
      models.refresh();
      models.every(Duration.ofMinutes(1));
      // Visitors' ids are hashed only where the site runs experiments: elsewhere serve needs no salt.
      String hashing = site.experimentsFile() == null ? null : salt.resolve(target);
      if (hashing != null) {
        io.trailcast.ingest.Salts.requireSameSalt(cql, target.keyspace(), hashing);
      }
      server = ScoreServer.start(new CassandraServeData(cql, target.keyspace(), site, models, hashing, refresh),
          ScoreServer.options(bind, port).withThreads(threads).withQueue(queue));
    } catch (IOException e) {
      close(models, store);
      throw new UserException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(models, store);
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    ModelWatch watch = models;
    Runnable stop = () -> {
      if (closed.compareAndSet(false, true)) {
        server.close();
        close(watch, store);
      }
      stopped.countDown();
    };
    // The JVM ends once the hooks are done: closing happens in the hook, not after it.
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "serve-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    String model = models.scorer() == null ? "no model: " + models.problem() : "model " + models.scorer().version();
    out.println("[serve]     listening on http://" + hostForUrl(server.address().getHostString()) + ":"
        + server.port() + " (keyspace " + target.keyspace() + ", site " + site.site() + ", " + model
        + (site.experimentsFile() == null ? "" : ", experiments of " + site.experimentsFile()) + ")");
    out.flush();
    if (stopAfter == null) {
      stopped.await();
    } else if (!stopped.await(stopAfter.toMillis(), TimeUnit.MILLISECONDS)) {
      stop.run();
    }
    return 0;
  }

  private static void close(ModelWatch models, Store store) {
    if (models != null) {
      models.close();
    }
    store.close();
  }

  /** An IPv6 address in brackets, as a URL writes it. */
  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
