package io.trailcast.core.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.retry.RetryDecision;
import com.datastax.oss.driver.api.core.retry.RetryPolicy;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.servererrors.CoordinatorException;
import com.datastax.oss.driver.api.core.servererrors.ReadFailureException;
import com.datastax.oss.driver.api.core.servererrors.WriteFailureException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's default retry rules, but a read that timed out, or a request refused because too few replicas were
 * alive, is sent again to the same coordinator, up to {@link #RETRIES} times. For some seconds after a node dies
 * the others still count it as up (until their failure detector convicts it) and send it a share of every quorum
 * read: those reads time out. The default policy gives up on them at once, and one such read failed a whole daily
 * run on a cluster with a node killed (ClusterIT). Sending again is safe: a read changes nothing, and a refused
 * request was not run. The same coordinator, because the driver's plan holds only the live nodes: two of three,
 * both tried in 20 s, before the dead one was convicted (ClusterIT in the suite). Writes at a quorum go to every
 * replica and are not held up by one dead node; a lightweight transaction is (its Paxos rounds wait on the replicas
 * they picked), so a timed-out CAS write of an idempotent statement is sent again too: the ingest's salt check
 * ({@code IF NOT EXISTS}) failed a daily run so in the suite. The driver asks the policy only for statements marked
 * idempotent; an {@code IF NOT EXISTS} sent twice answers the second time with the row the first wrote.
 *
 * <p>The driver's own {@code DefaultRetryPolicy} cannot be extended here (its annotations are not on the
 * classpath); the other rules below are its rules.
 */
@SuppressWarnings("deprecation") // RetryPolicy's abstract methods are its deprecated RetryDecision forms
public final class ReplicaDownRetryPolicy implements RetryPolicy {
  /** Each try waits out a read timeout (5 to 10 s on the server): together, long enough for a conviction. */
  static final int RETRIES = 5;
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaDownRetryPolicy.class);

  /** The driver builds it from the configuration ({@code advanced.retry-policy.class}). */
  public ReplicaDownRetryPolicy(DriverContext context, String profileName) {
  }

  @Override
  public RetryDecision onReadTimeout(Request request, ConsistencyLevel consistency, int blockFor, int received,
      boolean dataPresent, int retryCount) {
    return again("a read timed out at " + consistency + " (" + received + " of " + blockFor + " replicas answered)",
        retryCount);
  }

  @Override
  public RetryDecision onUnavailable(Request request, ConsistencyLevel consistency, int required, int alive,
      int retryCount) {
    return again("too few replicas alive for " + consistency + " (" + alive + " of " + required + ")", retryCount);
  }

  private static RetryDecision again(String what, int retryCount) {
    if (retryCount >= RETRIES) {
      return RetryDecision.RETHROW;
    }
    LOG.warn("{}: sent again to the same coordinator, try {} of {}", what, retryCount + 2, RETRIES + 1);
    return RetryDecision.RETRY_SAME;
  }

  /**
   * A lightweight transaction's timeout is sent again as a read's is; else as the default: only a batch log write
   * is tried again, once (its batch was not applied yet).
   */
  @Override
  public RetryDecision onWriteTimeout(Request request, ConsistencyLevel consistency, WriteType writeType,
      int blockFor, int received, int retryCount) {
    if (writeType == WriteType.CAS) {
      return again("a lightweight transaction timed out at " + consistency + " (" + received + " of " + blockFor
          + " replicas answered)", retryCount);
    }
    return retryCount == 0 && writeType == WriteType.BATCH_LOG ? RetryDecision.RETRY_SAME : RetryDecision.RETHROW;
  }

  /** As the default: a connection lost mid-request sends it to the next node. */
  @Override
  public RetryDecision onRequestAborted(Request request, Throwable error, int retryCount) {
    return error instanceof ClosedConnectionException || error instanceof HeartbeatException
        ? RetryDecision.RETRY_NEXT : RetryDecision.RETHROW;
  }

  /** As the default: a coordinator's error other than a replica's read or write failure tries the next node. */
  @Override
  public RetryDecision onErrorResponse(Request request, CoordinatorException error, int retryCount) {
    return error instanceof ReadFailureException || error instanceof WriteFailureException
        ? RetryDecision.RETHROW : RetryDecision.RETRY_NEXT;
  }

  @Override
  public void close() {
  }
}
