package io.trailcast.core.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.retry.RetryDecision;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import org.junit.jupiter.api.Test;

@SuppressWarnings("deprecation") // the policy's RetryDecision forms are what the driver calls
class ReplicaDownRetryPolicyTest {
  private final ReplicaDownRetryPolicy policy = new ReplicaDownRetryPolicy(null, "default");

  @Test
  void aTimedOutLightweightTransactionIsSentAgainUpToTheLimit() {
    for (int tried = 0; tried < ReplicaDownRetryPolicy.RETRIES; tried++) {
      assertEquals(RetryDecision.RETRY_SAME, policy.onWriteTimeout(null, ConsistencyLevel.SERIAL, WriteType.CAS, 2,
          0, tried));
    }
    assertEquals(RetryDecision.RETHROW, policy.onWriteTimeout(null, ConsistencyLevel.SERIAL, WriteType.CAS, 2, 0,
        ReplicaDownRetryPolicy.RETRIES));
  }

  @Test
  void otherWriteTimeoutsAreAsTheDriversDefault() {
    assertEquals(RetryDecision.RETHROW, policy.onWriteTimeout(null, ConsistencyLevel.QUORUM, WriteType.SIMPLE, 2, 1,
        0));
    assertEquals(RetryDecision.RETHROW, policy.onWriteTimeout(null, ConsistencyLevel.QUORUM, WriteType.COUNTER, 2,
        1, 0));
    assertEquals(RetryDecision.RETRY_SAME, policy.onWriteTimeout(null, ConsistencyLevel.QUORUM,
        WriteType.BATCH_LOG, 2, 1, 0));
    assertEquals(RetryDecision.RETHROW, policy.onWriteTimeout(null, ConsistencyLevel.QUORUM, WriteType.BATCH_LOG, 2,
        1, 1));
  }

  @Test
  void readsAndUnavailableReplicasAreSentAgain() {
    assertEquals(RetryDecision.RETRY_SAME, policy.onReadTimeout(null, ConsistencyLevel.QUORUM, 2, 1, false, 0));
    assertEquals(RetryDecision.RETRY_SAME, policy.onUnavailable(null, ConsistencyLevel.QUORUM, 2, 1, 0));
    assertEquals(RetryDecision.RETHROW, policy.onReadTimeout(null, ConsistencyLevel.QUORUM, 2, 1, false,
        ReplicaDownRetryPolicy.RETRIES));
  }
}
