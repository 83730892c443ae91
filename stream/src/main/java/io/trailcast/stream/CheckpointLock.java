package io.trailcast.stream;

import io.trailcast.core.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One stream per checkpoint: two jobs on one checkpoint would each replay and commit the other's
 * micro-batches. A lock file in a local checkpoint folder, held while the job runs and let go
 * when its JVM exits, however it exits. A checkpoint on a shared file system (a URI such as
 * {@code hdfs://}) is not locked here: the cluster's scheduler runs one job per name.
 */
final class CheckpointLock implements AutoCloseable {
  static final String FILE = ".trailcast-stream.lock";
  private final FileChannel channel;
  private final FileLock lock;

  private CheckpointLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Fails with one line when {@code master} runs executors on other machines (not {@code local}) and
   * {@code checkpoint} is a bare local path: each machine would keep a checkpoint of its own and a
   * restarted driver elsewhere would start over. A URI ({@code hdfs://}, {@code s3a://}, or
   * {@code file:///} naming a mount every machine shares) is taken as shared.
   */
  static void requireShared(String master, String checkpoint) {
    if (!master.startsWith("local") && !checkpoint.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      throw new UserException("checkpoint " + checkpoint + " is a local folder but the master " + master
          + " runs executors elsewhere: give --checkpoint a shared file system (hdfs://..., s3a://..., or "
          + "file:///... on a mount every machine shares)");
    }
  }

  /** Holds the checkpoint for this job, or fails with one line when another stream holds it. */
  static CheckpointLock acquire(String checkpoint) {
    if (checkpoint.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !checkpoint.startsWith("file:")) {
      return new CheckpointLock(null, null);
    }
    Path dir = Path.of(checkpoint.startsWith("file:") ? java.net.URI.create(checkpoint).getPath() : checkpoint);
    try {
      Files.createDirectories(dir);
      FileChannel channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = new String(Files.readAllBytes(dir.resolve(FILE)), StandardCharsets.UTF_8).strip();
        channel.close();
        throw new UserException("checkpoint " + checkpoint + " is in use by another stream ("
            + (holder.isEmpty() ? "unknown process" : holder) + "): give this one its own --checkpoint");
      }
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid())
          .getBytes(StandardCharsets.UTF_8)), 0);
      return new CheckpointLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (channel == null) {
      return;
    }
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
