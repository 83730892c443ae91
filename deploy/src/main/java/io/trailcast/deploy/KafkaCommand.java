package io.trailcast.deploy;

import io.trailcast.core.TrailcastHome;
import io.trailcast.core.kafka.BrokerSpec;
import io.trailcast.core.kafka.EmbeddedKafka;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trailcast kafka start|stop|status}: the embedded Kafka broker of this checkout (data in var/). */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Manage the embedded Kafka broker (KRaft, 127.0.0.1:9092, controller on 9093; data and log "
        + "under var/kafka).",
    subcommands = {KafkaCommand.Start.class, KafkaCommand.Stop.class, KafkaCommand.Status.class})
public final class KafkaCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static BrokerSpec local() {
    return BrokerSpec.local(TrailcastHome.varDir());
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start the broker (formatting its storage the first time) or reuse the running one, and wait "
          + "until it accepts connections.")
  static final class Start implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(EmbeddedKafka.start(local()).describe());
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop the broker: a clean shutdown (killed after 60 s). Topics and offsets stay in var/kafka.")
  static final class Stop implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      boolean stopped = EmbeddedKafka.stop(local().dataDir());
      spec.commandLine().getOut().println(stopped ? "Kafka stopped" : "Kafka was not running");
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Say whether the broker runs, where it listens and where its data and log are; exit 3 if "
          + "stopped.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      BrokerSpec broker = local();
      Optional<EmbeddedKafka.Status> status = EmbeddedKafka.status(broker.dataDir());
      PrintWriter out = spec.commandLine().getOut();
      if (status.isEmpty()) {
        out.println("Kafka not running (data in " + broker.dataDir() + ")");
        return 3;
      }
      out.println(status.get().describe());
      return 0;
    }
  }
}
