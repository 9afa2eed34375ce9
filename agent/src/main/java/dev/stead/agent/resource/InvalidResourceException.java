package dev.stead.agent.resource;

/**
 * A resource's parameters do not make sense together or do not parse (the compiler checks
 * names and kinds; the agent checks meaning). The message names the parameter; the resource
 * fails, the run goes on.
 */
public final class InvalidResourceException extends Exception {
  public InvalidResourceException(String message) {
    super(message);
  }
}
