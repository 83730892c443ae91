package io.trailcast.deploy;

import io.trailcast.core.UserException;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** {@code --from D [--to D]}, declared once for the commands that run over a window of days. */
final class DaysOptions {
  @Option(names = "--from", required = true, paramLabel = "D", description = "First day (site time zone).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "D", description = "Last day (default: --from).")
  LocalDate to;

  LocalDate from() {
    return from;
  }

  LocalDate to() {
    return last(from, to);
  }

  /** The window's last day: {@code to}, else {@code from}; never before {@code from}. */
  static LocalDate last(LocalDate from, LocalDate to) {
    LocalDate last = to == null ? from : to;
    if (last.isBefore(from)) {
      throw new UserException("--to " + last + " is before --from " + from);
    }
    return last;
  }
}
