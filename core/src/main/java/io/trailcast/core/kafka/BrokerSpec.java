package io.trailcast.core.kafka;

import java.nio.file.Path;

/**
 * How to run one embedded Kafka broker (KRaft: broker and controller in one process).
 *
 * @param dataDir everything the broker writes: its log segments, properties, logs, state file
 * @param port the broker (client) port
 * @param controllerPort the KRaft controller port
 * @param heapMb max heap of the broker's JVM (128 MB is too little; 256 MB holds 1 M-message bursts)
 * @param parentPid when set, the broker exits once this process is gone (tests)
 */
public record BrokerSpec(Path dataDir, int port, int controllerPort, int heapMb, Long parentPid) {
  public static final String HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9092;

  /** The broker {@code bin/trailcast} manages: var/kafka, ports 9092 and 9093, outlives the command. */
  public static BrokerSpec local(Path varDir) {
    return new BrokerSpec(varDir.resolve("kafka").toAbsolutePath(), DEFAULT_PORT, DEFAULT_PORT + 1, 512, null);
  }

  public Path logDir() {
    return dataDir.resolve("logs");
  }

  public Path segmentsDir() {
    return dataDir.resolve("data");
  }

  public String bootstrap() {
    return HOST + ":" + port;
  }
}
