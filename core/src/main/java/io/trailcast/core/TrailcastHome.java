package io.trailcast.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a local installation keeps its state: the checkout's root (set by {@code bin/trailcast} as
 * {@code -Dtrailcast.root}), with {@code var/} for the embedded node's data.
 */
public final class TrailcastHome {
  private TrailcastHome() {
  }

  /** The checkout root; the working directory when not launched by {@code bin/trailcast}. */
  public static Path root() {
    String root = System.getProperty("trailcast.root");
    return (root == null || root.isBlank() ? Path.of("") : Path.of(root)).toAbsolutePath().normalize();
  }

  /**
   * {@code var/}: the embedded node's and broker's data, the demo's logs. Private to its owner
   * (0700): what it holds is every event of every visitor.
   */
  public static Path varDir() {
    Path var = root().resolve("var");
    try {
      if (!Files.isDirectory(var)) {
        Files.createDirectories(var, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PRIVATE));
      }
      if (!Files.getPosixFilePermissions(var).equals(PRIVATE)) {
        Files.setPosixFilePermissions(var, PRIVATE);
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its own access rules apply.
    } catch (java.io.IOException e) {
      throw new UserException("cannot create " + var + " private to its owner: " + e.getMessage(), e);
    }
    return var;
  }

  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE =
      java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");

  /** The file listing the embedded node's jars, written by the deploy/cassandra-node module. */
  public static Path cassandraClasspathFile() {
    return classpathFile("trailcast.cassandra.classpath.file", "deploy/cassandra-node/target/cassandra.classpath",
        "the embedded Cassandra's");
  }

  /** The file listing Spark's jars (deploy/spark-runtime): the local cluster's SPARK_HOME is made of them. */
  public static Path sparkClasspathFile() {
    return classpathFile("trailcast.spark.classpath.file", "deploy/spark-runtime/target/spark.classpath", "Spark's");
  }

  /** The file listing the embedded Kafka broker's jars, written by the deploy/kafka-node module. */
  public static Path kafkaClasspathFile() {
    return classpathFile("trailcast.kafka.classpath.file", "deploy/kafka-node/target/kafka.classpath",
        "the embedded Kafka's");
  }

  /** A classpath file a build module writes: the system property's path if set, else its place in the checkout. */
  private static Path classpathFile(String property, String inCheckout, String whose) {
    String explicit = System.getProperty(property);
    Path file = explicit != null && !explicit.isBlank() ? Path.of(explicit) : root().resolve(inCheckout);
    if (!Files.isRegularFile(file)) {
      throw new UserException(whose + " classpath is missing (" + file + "); build it with: mvn -B -DskipTests "
          + "package");
    }
    return file;
  }
}
