package io.trailcast.simulator;

import io.trailcast.core.UserException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * What to simulate.
 *
 * @param persons human visitors (bots come on top: one crawler per 200 persons, one headless per 500)
 * @param days days of traffic from {@code start}
 * @param start first day (site time zone)
 * @param seed the same seed gives byte-identical output
 * @param format log format
 * @param corruptShare share of corrupt lines among all lines written (0 to 0.5)
 * @param gzip gzip the log files
 * @param zone site time zone: log times carry its offset and midnight splits sessions in it
 * @param out output folder
 */
public record SimulationConfig(int persons, int days, LocalDate start, long seed, LogFormat format,
    double corruptShare, boolean gzip, ZoneId zone, Path out) {

  public SimulationConfig {
    if (persons < 1) {
      throw new UserException("--persons must be at least 1 (got " + persons + ")");
    }
    if (days < 1 || days > 3660) {
      throw new UserException("--days must be between 1 and 3660 (got " + days + ")");
    }
    if (!(corruptShare >= 0 && corruptShare <= 0.5)) {
      throw new UserException("--corrupt must be a share between 0 and 0.5 (got " + corruptShare + ")");
    }
  }
}
