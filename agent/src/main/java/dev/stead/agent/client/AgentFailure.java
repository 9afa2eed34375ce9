package dev.stead.agent.client;

/**
 * The run cannot go on, for a reason the operator can act on; the message is one line,
 * printed as {@code stead agent run: <message>} and the run exits 1, without a stack trace.
 */
public final class AgentFailure extends RuntimeException {
  public AgentFailure(String message) {
    super(message);
  }

  public AgentFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
