package io.trailcast.stream.serve;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.ConnectionInitException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;

/**
 * An answer other than 200 that a request deserves, with its reason: the server writes it as
 * {@code {"error": reason}} with the status. Also tells the driver's "Cassandra cannot answer now"
 * errors (503) apart from the rest (500).
 */
public final class ServeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ServeException(int status, String reason) {
    super(reason);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** 400: the request is wrong, and the reason says how. */
  public static ServeException badRequest(String reason) {
    return new ServeException(400, reason);
  }

  /** 404: nothing to answer for what was asked. */
  public static ServeException notFound(String reason) {
    return new ServeException(404, reason);
  }

  /** 503: the server cannot answer now (no store, no model). */
  public static ServeException unavailable(String reason) {
    return new ServeException(503, reason);
  }

  /**
   * Whether {@code error} (or one of its causes) says Cassandra could not be reached or did not
   * answer in time: no node, every node failed, a timeout, too few replicas, a broken connection.
   */
  public static boolean isCassandraDown(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AllNodesFailedException || t instanceof DriverTimeoutException
          || t instanceof QueryConsistencyException || t instanceof UnavailableException
          || t instanceof OverloadedException || t instanceof BootstrappingException
          || t instanceof ClosedConnectionException || t instanceof BusyConnectionException
          || t instanceof HeartbeatException || t instanceof ConnectionInitException) {
        return true;
      }
    }
    return false;
  }
}
