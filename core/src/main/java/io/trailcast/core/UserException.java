package io.trailcast.core;

/**
 * A problem the user can fix (bad flag, missing file, unreachable cluster). The command prints its
 * message as one line and exits non-zero, without a stack trace.
 */
public class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserException(String message) {
    super(message);
  }

  public UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
