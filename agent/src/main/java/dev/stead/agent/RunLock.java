package dev.stead.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One run at a time per state directory: {@code STATE/agent.lock}, created exclusively and
 * holding the owner's PID. A lock whose PID is no longer running (the agent was killed) is
 * stale and taken over; one whose PID runs is busy. Released by {@link #close}, which only
 * deletes the file while it still names this process.
 */
public final class RunLock implements AutoCloseable {
  /** Thrown when another live process holds the lock. */
  public static final class BusyException extends Exception {
    private final long pid;

    BusyException(Path file, long pid) {
      super("another agent run is in progress (pid " + pid + ", lock " + file + ")");
      this.pid = pid;
    }

    public long pid() {
      return pid;
    }
  }

  private final Path file;
  private final boolean tookOverStale;

  private RunLock(Path file, boolean tookOverStale) {
    this.file = file;
    this.tookOverStale = tookOverStale;
  }

  public static Path fileIn(Path stateDir) {
    return stateDir.resolve("agent.lock");
  }

  /** Takes the lock in {@code stateDir} or says who holds it. */
  public static RunLock acquire(Path stateDir) throws IOException, BusyException {
    Files.createDirectories(stateDir);
    Path file = fileIn(stateDir);
    long me = ProcessHandle.current().pid();
    boolean stale = false;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        Files.writeString(file, me + "\n", StandardCharsets.US_ASCII,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new RunLock(file, stale);
      } catch (FileAlreadyExistsException e) {
        Optional<Long> owner = owner(file);
        if (owner.isPresent() && owner.get() != me
            && ProcessHandle.of(owner.get()).map(ProcessHandle::isAlive).orElse(false)) {
          throw new BusyException(file, owner.get());
        }
        // Stale (owner gone), unreadable or half-written: remove and try again. Another
        // process racing us for the same stale file loses at CREATE_NEW.
        Files.deleteIfExists(file);
        stale = true;
      }
    }
    throw new IOException("cannot take the run lock " + file + ": it keeps reappearing");
  }

  /** The PID written in {@code file}, if it holds one. */
  public static Optional<Long> owner(Path file) throws IOException {
    try {
      String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return s.matches("\\d{1,19}") ? Optional.of(Long.parseLong(s)) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** True when this lock replaced a stale one left by a process that is gone. */
  public boolean tookOverStale() {
    return tookOverStale;
  }

  @Override
  public void close() throws IOException {
    if (owner(file).orElse(-1L) == ProcessHandle.current().pid()) {
      Files.deleteIfExists(file);
    }
  }
}
