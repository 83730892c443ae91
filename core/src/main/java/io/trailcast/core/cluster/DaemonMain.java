package io.trailcast.core.cluster;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of a Spark Master or Worker JVM of the local cluster: runs the main class given first
 * with the rest of the arguments. When {@code trailcast.parent.pid} is set, the daemon exits as soon
 * as that process is gone (a test's cluster never outlives the test JVM).
 *
 * <p>This class is copied alone onto the daemon's classpath: it may use nothing but the JDK.
 */
public final class DaemonMain {
  private DaemonMain() {
  }

  public static void main(String[] args) throws Exception {
    String parent = System.getProperty("trailcast.parent.pid");
    if (parent != null && !parent.isBlank()) {
      ProcessHandle.of(Long.parseLong(parent.trim())).ifPresentOrElse(
          handle -> handle.onExit().thenRun(() -> System.exit(0)),
          () -> System.exit(0));
    }
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }
}
