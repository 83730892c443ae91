package io.trailcast.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailcast.core.UserException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One stream per checkpoint: a second job on a held checkpoint stops with one line. */
class CheckpointLockTest {
  @TempDir
  Path tmp;

  @Test
  void aSecondStreamOnAHeldCheckpointIsRefusedAndTheCheckpointIsFreeAgainOnceLetGo() {
    String checkpoint = tmp.resolve("live").toString();
    CheckpointLock held = CheckpointLock.acquire(checkpoint);
    try (held) {
      UserException refused = assertThrows(UserException.class, () -> CheckpointLock.acquire(checkpoint));
      assertEquals("checkpoint " + checkpoint + " is in use by another stream (pid " + ProcessHandle.current().pid()
          + "): give this one its own --checkpoint", refused.getMessage());
    }
    CheckpointLock.acquire(checkpoint).close();
  }

  @Test
  void aCheckpointOnASharedFileSystemIsLeftToTheCluster() {
    CheckpointLock.acquire("hdfs://namenode/trailcast/checkpoints/live").close();
  }

  @Test
  void aLocalFolderIsRefusedWhenExecutorsRunElsewhere() {
    UserException refused = assertThrows(UserException.class,
        () -> CheckpointLock.requireShared("spark://master:7077", "/var/trailcast/stream/live"));
    assertEquals("checkpoint /var/trailcast/stream/live is a local folder but the master spark://master:7077 runs "
        + "executors elsewhere: give --checkpoint a shared file system (hdfs://..., s3a://..., or file:///... on a "
        + "mount every machine shares)", refused.getMessage());
    assertThrows(UserException.class, () -> CheckpointLock.requireShared("yarn", "var/stream/live"));
    CheckpointLock.requireShared("local[*]", "/var/trailcast/stream/live");
    CheckpointLock.requireShared("spark://master:7077", "hdfs://namenode/trailcast/live");
    CheckpointLock.requireShared("spark://master:7077", "file:///mnt/shared/trailcast/live");
  }
}
