package io.trailcast.core;

/**
 * Takes the start lock of the folder given, writes {@code locked} there and exits: the second
 * process of {@link ChildJvmsTest}.
 */
public final class StartLockProbe {
  private StartLockProbe() {
  }

  public static void main(String[] args) throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of(args[0]);
    ChildJvms.Held held = ChildJvms.startLock(dir);
    try (held) {
      java.nio.file.Files.writeString(dir.resolve("locked"), "locked");
    }
  }
}
