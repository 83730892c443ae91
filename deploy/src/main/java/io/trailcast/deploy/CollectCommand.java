package io.trailcast.deploy;

import io.trailcast.core.Durations;
import io.trailcast.stream.Collector;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trailcast collect}: an HTTP endpoint that appends events to a Kafka topic. */
@Command(name = "collect", mixinStandardHelpOptions = true,
    description = {"Accept events over HTTP and append them to a Kafka topic, answering at once (204; 503 when "
          + "Kafka cannot take them within 100 ms, so the site never waits).",
        "POST /events: one log line or trailcast JSON event per line. Any other request is taken as one nginx "
            + "mirrored (mirror or post_action) and logged as a combined log line: client from X-Real-IP or "
            + "X-Forwarded-For, URI from X-Original-URI, status from X-Original-Status. GET /health: counts.",
        "Then: bin/trailcast stream --source kafka:HOST:PORT/TOPIC."})
public final class CollectCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", required = true, paramLabel = "P", description = "Port to listen on.")
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

  @Option(names = "--for", paramLabel = "DURATION",
      description = "Stop after this long (e.g. 30s). Default: run until stopped (Ctrl-C).")
  String runFor;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (Collector collector = Collector.start(bind, port, kafka, topic)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      out.println("[collect]   listening on http://" + bind + ":" + collector.port() + " → kafka " + kafka + " topic "
          + topic);
      out.flush();
      if (runFor == null) {
        stopped.await();
      } else {
        stopped.await(Durations.parse(runFor, "--for").toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      long[] counts = collector.counts();
      out.printf("[collect]   %,d events sent, %,d dropped, %,d failed%n", counts[0], counts[1], counts[2]);
      out.flush();
    }
    return 0;
  }
}
