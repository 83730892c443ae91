package io.trailcast.core.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One row per job run in {@code job_runs}: written at start (running) and rewritten at the end. */
public final class JobRuns {
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

  private final String job;
  private final String runId;
  private final Instant startedAt;
  private final List<String> inputs;
  private final LocalDate windowFrom;
  private final LocalDate windowTo;

  private JobRuns(String job, List<String> inputs, LocalDate windowFrom, LocalDate windowTo) {
    this.job = job;
    this.runId = UUID.randomUUID().toString();
    this.startedAt = Instant.now();
    this.inputs = List.copyOf(inputs);
    this.windowFrom = windowFrom;
    this.windowTo = windowTo;
  }

  /** A job's work, given the command's session and its run (whose id some jobs record). */
  @FunctionalInterface
  public interface Work<R> {
    R run(CqlSession session, JobRuns run);
  }

  /**
   * The one way a job runs: on the command's store, a {@code job_runs} row started, then marked
   * succeeded with {@code counts} of the result, or failed with the error's message whatever the
   * error (Spark's own failures are checked exceptions thrown through Scala).
   */
  public static <R> R record(Store store, String job, List<String> inputs, LocalDate from, LocalDate to,
      Work<R> work, java.util.function.Function<R, Map<String, Long>> counts) {
    CqlSession session = store.cql();
    JobRuns run = start(session, job, inputs, from, to);
    try {
      R result = work.run(session, run);
      run.succeeded(session, counts.apply(result));
      return result;
    } catch (Throwable e) {
      run.failed(session, Map.of(), String.valueOf(e.getMessage()));
      throw e;
    }
  }

  /** Records the start of a run. */
  public static JobRuns start(CqlSession session, String job, List<String> inputs, LocalDate from, LocalDate to) {
    JobRuns run = new JobRuns(job, inputs, from, to);
    run.write(session, null, "running", Map.of(), null);
    return run;
  }

  public String runId() {
    return runId;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public void succeeded(CqlSession session, Map<String, Long> counts) {
    write(session, Instant.now(), "succeeded", counts, null);
  }

  public void failed(CqlSession session, Map<String, Long> counts, String message) {
    write(session, Instant.now(), "failed", counts, message);
  }

  private void write(CqlSession session, Instant endedAt, String status, Map<String, Long> counts, String message) {
    session.execute(SimpleStatement.newInstance(
        "INSERT INTO job_runs (job, month, started_at, run_id, ended_at, status, inputs, window_from, window_to, "
            + "counts, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        job, MONTH.format(startedAt), startedAt, runId, endedAt, status, inputs, windowFrom, windowTo, counts,
        message));
  }
}
