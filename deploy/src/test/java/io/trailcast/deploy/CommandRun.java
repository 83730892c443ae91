package io.trailcast.deploy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A command line run in this JVM, for the tests of a command's flags and output. */
final class CommandRun {
  /** What a command printed on each stream, and its exit code. */
  record Output(int code, String out, String err) {
  }

  private CommandRun() {
  }

  /** Runs the command line; returns the exit code and what it printed on each stream, apart. */
  static Output apart(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  /** {@code args} with {@code --cassandra} and {@code --keyspace} of {@code target} after them. */
  static String[] against(io.trailcast.core.cassandra.CassandraTarget target, String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--cassandra";
    all[args.length + 1] = target.hosts().get(0);
    all[args.length + 2] = "--keyspace";
    all[args.length + 3] = target.keyspace();
    return all;
  }

  /** Runs the command line; returns the exit code and what it printed on both streams. */
  static Object[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    try {
      int code = Main.run(args);
      return new Object[] {code, printed.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
