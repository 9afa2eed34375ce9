package dev.stead.agent.daemon;

import dev.stead.proto.v1.RunSlot;
import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The run slot the master last assigned, kept in {@code STATE/run-slot.pb}, so a daemon that
 * restarts (a reboot, a package upgrade across the fleet) starts at its slot, not all at once
 * with the others. Stateless.
 */
public final class SlotFile {
  private SlotFile() {}

  public static Path in(Path stateDir) {
    return stateDir.resolve("run-slot.pb");
  }

  /** The slot kept in {@code stateDir}; empty when none was kept or the file is unreadable. */
  public static Optional<RunSlot> read(Path stateDir) {
    try {
      return Optional.of(RunSlot.parseFrom(Files.readAllBytes(in(stateDir))));
    } catch (IOException e) {
      // None kept, or damaged: the first run falls back to the splay, and its catalog answer
      // brings the slot again.
      return Optional.empty();
    }
  }

  /** Keeps {@code slot} in {@code stateDir}, replacing the file whole. */
  public static void write(Path stateDir, RunSlot slot) throws IOException {
    AtomicFiles.write(in(stateDir), slot.toByteArray(),
        new AtomicFiles.Attributes(null, null, null));
  }
}
