package io.trailcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmsTest {
  @TempDir
  Path tmp;

  /** A second process starting a node on the same data folder waits for the first's start. */
  @Test
  void aSecondStartOnOneDataFolderWaitsForTheFirst() throws Exception {
    Process other;
    ChildJvms.Held held = ChildJvms.startLock(tmp);
    try (held) {
      other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
          StartLockProbe.class.getName(), tmp.toString())
          .redirectErrorStream(true).start();
      assertTrue(!other.waitFor(2, TimeUnit.SECONDS), "the other start waits while this one holds the folder");
      assertTrue(!Files.exists(tmp.resolve("locked")));
    }
    assertTrue(other.waitFor(30, TimeUnit.SECONDS), "then it goes on");
    assertEquals(0, other.exitValue(), new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(Files.exists(tmp.resolve("locked")));
  }

  @Test
  void theVarFolderIsPrivateToItsOwner() throws Exception {
    String before = System.getProperty("trailcast.root");
    System.setProperty("trailcast.root", tmp.toString());
    try {
      Path var = TrailcastHome.varDir();
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(var)));
      Files.setPosixFilePermissions(var, PosixFilePermissions.fromString("rwxr-xr-x"));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(TrailcastHome.varDir())),
          "a folder made readable by others is made private again");
    } finally {
      if (before == null) {
        System.clearProperty("trailcast.root");
      } else {
        System.setProperty("trailcast.root", before);
      }
    }
    assertTrue(List.of(tmp.toFile().list()).contains("var"));
  }
}
