package dev.stead.agent.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The agent's {@code --csr-challenge FILE}: the first line of FILE (stripped), read only when
 * a certificate request is made, so the file can be removed once the node is enrolled. The
 * value is never printed. Stateless.
 */
public final class CsrChallenge {
  private CsrChallenge() {}

  /** The challenge in {@code file}, or null when {@code file} is null. */
  public static String read(Path file) {
    if (file == null) {
      return null;
    }
    String line;
    try {
      line = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("")
          .strip();
    } catch (NoSuchFileException e) {
      throw new AgentFailure("--csr-challenge file " + file + " does not exist");
    } catch (IOException e) {
      throw new AgentFailure("cannot read --csr-challenge file " + file + ": " + e.getMessage());
    }
    if (line.isEmpty()) {
      throw new AgentFailure("--csr-challenge file " + file + " has no challenge on its first "
          + "line");
    }
    return line;
  }
}
