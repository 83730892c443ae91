package io.trailcast.deploy;

import java.time.LocalDate;
import picocli.CommandLine.Option;

/**
 * {@code [--from D [--to D]]}: a window of days that a command may also go without (training on a
 * corpus or on a feature table instead). Declared once; the rules of {@link DaysOptions} apply.
 */
final class OptionalDaysOptions {
  @Option(names = "--from", paramLabel = "D", description = "First day (site time zone); see the command for when "
      + "it is needed.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "D", description = "Last day (default: --from).")
  LocalDate to;

  boolean given() {
    return from != null;
  }

  /** The first day, or null when no window was given. */
  LocalDate from() {
    return from;
  }

  /** The last day, or null when no window was given; --to alone is refused. */
  LocalDate to() {
    if (from == null) {
      if (to != null) {
        throw new io.trailcast.core.UserException("--to needs --from");
      }
      return null;
    }
    return DaysOptions.last(from, to);
  }
}
