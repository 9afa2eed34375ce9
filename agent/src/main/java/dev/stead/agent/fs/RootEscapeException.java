package dev.stead.agent.fs;

import java.io.IOException;

/** A managed path would lead out of {@code --root} through a symbolic link; nothing was touched. */
public final class RootEscapeException extends IOException {
  public RootEscapeException(String message) {
    super(message);
  }
}
