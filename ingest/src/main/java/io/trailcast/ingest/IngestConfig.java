package io.trailcast.ingest;

import io.trailcast.core.UserException;
import java.time.LocalDate;
import java.util.List;

/**
 * One ingest run.
 *
 * @param inputs files, folders or globs
 * @param format a format, or AUTO to detect one per file
 * @param site the site config
 * @param salt the secret salt of ip, login and user hashes
 * @param from first day kept (site time zone), or null
 * @param to last day kept, or null
 * @param dryRun read, parse, normalise and count, but write nothing
 */
public record IngestConfig(List<String> inputs, InputFormat format, SiteConfig site, String salt, LocalDate from,
    LocalDate to, boolean dryRun) {
  /** The salt used when none is configured; refused against a real cluster. */
  public static final String DEFAULT_SALT = "trailcast-embedded-default-salt";

  public IngestConfig {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new UserException("give at least one --input");
    }
    if (salt == null || salt.isBlank()) {
      throw new UserException("the salt is empty");
    }
    if (from != null && to != null && to.isBefore(from)) {
      throw new UserException("--to " + to + " is before --from " + from);
    }
  }

  public boolean hasWindow() {
    return from != null || to != null;
  }
}
