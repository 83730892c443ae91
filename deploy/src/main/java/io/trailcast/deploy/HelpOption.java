package io.trailcast.deploy;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} alone, for the commands whose {@code --version} names a model: picocli's standard
 * help options would declare {@code -V/--version} too, and the two clash.
 */
final class HelpOption {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;
}
