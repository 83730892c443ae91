package io.trailcast.deploy;

import io.trailcast.core.Durations;
import io.trailcast.core.UserException;
import io.trailcast.stream.BoundedHttpServer;
import io.trailcast.stream.Collector;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trailcast collect}: an HTTP endpoint that appends events to a Kafka topic. */
@Command(name = "collect", mixinStandardHelpOptions = true,
    description = {"Accept events over HTTP and append them to a Kafka topic. A request is answered 204 once Kafka "
          + "has acknowledged every one of its events (acks=all), 503 when it has not within --ack-timeout (send "
          + "it again: copies are deduplicated by the stream) or when every worker and the queue are taken.",
        "POST /events: one log line or trailcast JSON event per line. /mirror and /mirror/... (any method): a "
            + "request nginx mirrored, logged as a combined log line: client from X-Real-IP or X-Forwarded-For, "
            + "URI from X-Original-URI (else the path after /mirror), status from X-Original-Status. "
            + "GET /health: counts. Anything else: 400 (405 for /events with another method).",
        "SIGTERM (or Ctrl-C) drains: stops listening, lets requests in progress finish, closes the producer, "
            + "prints the counts and exits 0.",
        "Then: bin/trailcast stream --source kafka:HOST:PORT/TOPIC."})
public final class CollectCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", required = true, paramLabel = "P", description = "Port to listen on (0: any free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.")
  String bind;

  @Option(names = "--kafka", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE} (bin/trailcast kafka start).")
  String kafka;

  @Option(names = "--topic", paramLabel = "T", defaultValue = "events",
      description = "Topic to append to. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(names = "--threads", paramLabel = "N", defaultValue = Collector.Options.DEFAULT_THREADS,
      description = "Worker threads; a request holds one until Kafka acknowledges its events. Default: "
          + "${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--queue", paramLabel = "N", defaultValue = Collector.Options.DEFAULT_QUEUE,
      description = "Requests that may wait for a worker; beyond them a request is answered 503 at once. "
          + "Default: ${DEFAULT-VALUE}.")
  int queue;

  @Option(names = "--ack-timeout", paramLabel = "DURATION",
      defaultValue = Collector.Options.DEFAULT_ACK_TIMEOUT,
      description = "How long a request waits for Kafka to acknowledge its events before it is answered 503; "
          + "shorter than --request-timeout. Default: ${DEFAULT-VALUE}.")
  String ackTimeout;

  @Option(names = "--request-timeout", paramLabel = "DURATION",
      defaultValue = Collector.Options.DEFAULT_REQUEST_TIMEOUT,
      description = "Whole seconds a client has from its first byte to have its request read (the wait for a "
          + "worker included), and as long again to take the answer; a slower client's connection is closed. "
          + "Default: ${DEFAULT-VALUE}.")
  String requestTimeout;

  @Option(names = "--for", paramLabel = "DURATION",
      description = "Stop after this long (e.g. 30s). Default: run until stopped (Ctrl-C or SIGTERM).")
  String runFor;

  /** Drains the collector and prints its counts, once, whoever asks first; a later caller waits for it. */
  private static final class Drain {
    private final Collector collector;
    private final PrintWriter out;
    private boolean done;

    Drain(Collector collector, PrintWriter out) {
      this.collector = collector;
      this.out = out;
    }

    synchronized void run() {
      if (!done) {
        done = true;
        collector.close();
        out.println("[collect]   " + collector.counts().line());
        out.flush();
      }
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    // The flags first: a bad one is said before Kafka is asked anything.
    Collector.Options options;
    try {
      options = new Collector.Options(new BoundedHttpServer.Options(bind, port, threads, queue,
          Durations.parse(requestTimeout, "--request-timeout")), kafka, topic,
          Durations.parse(ackTimeout, "--ack-timeout"));
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e);
    }
    Duration stopAfter = runFor == null ? null : Durations.parse(runFor, "--for");
    Collector collector;
    try {
      collector = Collector.start(options);
    } catch (IOException e) {
      throw new UserException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    Drain drain = new Drain(collector, out);
    CountDownLatch stopping = new CountDownLatch(1);
    // The JVM halts once its hooks return: the drain runs inside the hook. Then it exits 0 (not 143):
    // being stopped is how the collector ends, and nothing it answered 204 is lost.
    Thread hook = new Thread(() -> {
      stopping.countDown();
      int status = 0;
      try {
        drain.run();
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("collect: the drain failed: " + Main.oneLine(e));
        spec.commandLine().getErr().flush();
        status = 1;
      }
      Runtime.getRuntime().halt(status);
    }, "collect-drain");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("[collect]   listening on http://" + bind + ":" + collector.port() + " → kafka " + kafka + " topic "
        + topic);
    out.flush();
    try {
      if (stopAfter == null) {
        stopping.await();
      } else {
        stopping.await(stopAfter.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      drain.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs, and ends the JVM when the drain is done.
      }
    }
    return 0;
  }
}
