package io.trailcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers --help with its usage, whatever options it requires or declares. */
class HelpTest {
  @Test
  void everyCommandPrintsItsUsage() {
    List<String> paths = new ArrayList<>();
    collect(Main.parser(), List.of(), paths);
    assertTrue(paths.size() > 30, "commands found: " + paths);
    List<String> failed = new ArrayList<>();
    for (String path : paths) {
      List<String> args = new ArrayList<>(List.of(path.split(" ")));
      args.add("--help");
      Object[] run = CommandRun.run(args.toArray(new String[0]));
      if (!run[0].equals(0) || !((String) run[1]).startsWith("Usage: trailcast " + path)) {
        failed.add(path + " --help: " + ((String) run[1]).lines().findFirst().orElse(""));
      }
    }
    assertEquals(List.of(), failed);
  }

  private static void collect(CommandLine command, List<String> parents, List<String> paths) {
    command.getSubcommands().forEach((name, sub) -> {
      if (name.equals("help")) {
        return;
      }
      List<String> path = new ArrayList<>(parents);
      path.add(name);
      paths.add(String.join(" ", path));
      collect(sub, path, paths);
    });
  }
}
