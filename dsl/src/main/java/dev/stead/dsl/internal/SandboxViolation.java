package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;
import java.util.Optional;

/**
 * Stead code tried something the run-time sandbox refuses. An {@link Error}, not an
 * exception, so that {@code catch (e)} in user code does not swallow it; the evaluation also
 * records every violation it sees, so even a {@code catch (Throwable t)} cannot turn a
 * refusal into a catalog. The message says what was refused; the stack trace (or the
 * location given) says where.
 */
public final class SandboxViolation extends Error {
  private static final long serialVersionUID = 1L;
  private final transient SourceLocation location;

  SandboxViolation(String message) {
    this(message, null);
  }

  private SandboxViolation(String message, SourceLocation location) {
    super(message);
    this.location = location;
  }

  /** The same refusal, placed at {@code where} (a template line); keeps the stack trace. */
  SandboxViolation at(SourceLocation where) {
    SandboxViolation placed = new SandboxViolation(getMessage(), where);
    placed.setStackTrace(getStackTrace());
    return placed;
  }

  Optional<SourceLocation> location() {
    return Optional.ofNullable(location);
  }
}
