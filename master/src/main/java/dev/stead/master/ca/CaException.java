package dev.stead.master.ca;

/**
 * A certificate operation was refused because of what the caller asked for; the message
 * says why in one line, fit to show an operator or an agent.
 */
public final class CaException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, in the terms the gRPC edge maps to one status code each. */
  public enum Reason {
    /** The name or CSR is malformed or violates policy. */
    INVALID,
    /** Conflicts with what exists (a different key for a name that has one). */
    CONFLICT,
    /** Nothing by that name. */
    NOT_FOUND,
    /** The caller may not act on that name (a node renewing another node's certificate). */
    FORBIDDEN,
    /** Too soon after the same request; the message says when to retry. */
    RATE_LIMITED,
    /** Needs the master that holds the CA key, which this one is not; retry there or later. */
    UNAVAILABLE
  }

  private final Reason reason;

  public CaException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
