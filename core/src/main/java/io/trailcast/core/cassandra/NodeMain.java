package io.trailcast.core.cassandra;

import java.lang.reflect.Method;

/**
 * Entry point of the embedded node's JVM. When {@code trailcast.parent.pid} is set, the node exits
 * (through Cassandra's own shutdown hook, which drains) as soon as that process is gone, so a
 * killed test run or demo never leaves an orphan node behind.
 *
 * <p>This class is copied alone onto the node's classpath: it may use nothing but the JDK.
 */
public final class NodeMain {
  private NodeMain() {
  }

  public static void main(String[] args) throws Exception {
    String parent = System.getProperty("trailcast.parent.pid");
    if (parent != null && !parent.isBlank()) {
      long pid = Long.parseLong(parent.trim());
      ProcessHandle.of(pid).ifPresentOrElse(
          handle -> handle.onExit().thenRun(() -> System.exit(0)),
          () -> System.exit(0));
    }
    Class<?> daemon = Class.forName("org.apache.cassandra.service.CassandraDaemon");
    Method main = daemon.getMethod("main", String[].class);
    main.invoke(null, (Object) args);
  }
}
