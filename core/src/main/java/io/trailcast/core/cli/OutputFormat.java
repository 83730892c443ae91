package io.trailcast.core.cli;

/** How a command prints rows: an aligned table for people, CSV or JSON lines for scripts. */
public enum OutputFormat {
  TABLE, CSV, JSON
}
