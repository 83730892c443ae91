package io.trailcast.core.kafka;

import java.lang.reflect.Method;

/**
 * Entry point of the embedded broker's JVM: {@code kafka.Kafka} with the broker's properties file.
 * When {@code trailcast.parent.pid} is set, the broker exits (through Kafka's own shutdown hook)
 * as soon as that process is gone, so a killed test run never leaves an orphan broker behind.
 *
 * <p>This class is copied alone onto the broker's classpath: it may use nothing but the JDK.
 */
public final class BrokerMain {
  private BrokerMain() {
  }

  public static void main(String[] args) throws Exception {
    String parent = System.getProperty("trailcast.parent.pid");
    if (parent != null && !parent.isBlank()) {
      long pid = Long.parseLong(parent.trim());
      ProcessHandle.of(pid).ifPresentOrElse(
          handle -> handle.onExit().thenRun(() -> System.exit(0)),
          () -> System.exit(0));
    }
    Method main = Class.forName("kafka.Kafka").getMethod("main", String[].class);
    main.invoke(null, (Object) args);
  }
}
