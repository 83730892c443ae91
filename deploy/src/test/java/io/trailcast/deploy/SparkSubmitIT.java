package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.testing.TestCassandra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The job jar, launched the way spark-submit launches it, runs a Spark job against the cluster. */
class SparkSubmitIT {
  @Test
  void jobJarRunsUnderSparkSubmit() throws Exception {
    CassandraTarget target = TestCassandra.keyspaceFor(SparkSubmitIT.class);
    Path jar = Path.of(System.getProperty("trailcast.jobs.jar"));
    String sparkClasspath = Files.readString(Path.of(System.getProperty("trailcast.spark.classpath.file"))).trim();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(System.getProperty("trailcast.jvm.flags").trim().split("\\s+")));
    command.addAll(List.of("-Xmx1g", "-cp", sparkClasspath, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--class", "io.trailcast.deploy.Main", jar.toString(),
        "tables", "--cassandra", target.hosts().get(0), "--keyspace", target.keyspace(), "--format", "csv"));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, process.exitValue(), out);
    List<String> lines = out.lines().toList();
    assertEquals("table,rows", lines.get(0));
    assertTrue(lines.contains("schema_migrations,1"), out);
    assertTrue(lines.contains("events_by_user,0"), out);
  }
}
