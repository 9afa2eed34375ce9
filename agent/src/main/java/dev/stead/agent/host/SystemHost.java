package dev.stead.agent.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real machine: commands run with {@link ProcessBuilder} (no shell), stdin closed unless
 * given, stdout and stderr each captured up to {@value #CAPTURE_LIMIT} bytes; on timeout the
 * process and all its descendants are killed. Under a {@code --root} other than {@code /},
 * {@link #confinedTo} refuses every command: a package, service or account cannot be confined
 * to a directory, so a sandboxed run must not touch the real machine. Thread-safe.
 */
public final class SystemHost implements Host {
  /** Large enough for {@code dpkg-query} over every installed package. */
  static final int CAPTURE_LIMIT = 16 * 1024 * 1024;

  private final String refusal;

  private SystemHost(String refusal) {
    this.refusal = refusal;
  }

  /** The real machine, without restriction. */
  public static SystemHost unrestricted() {
    return new SystemHost("");
  }

  /** The real machine when {@code root} is {@code /}, else a host that refuses to run commands. */
  public static SystemHost confinedTo(Path root) {
    Path real = root.toAbsolutePath().normalize();
    return real.getParent() == null ? unrestricted()
        : new SystemHost("commands are not run under --root " + real
            + ": they would change the real machine, not the root");
  }

  @Override
  public boolean systemdRunning() {
    // sd_booted(): the directory exists exactly when systemd is PID 1.
    return refusal.isEmpty() && Files.isDirectory(Path.of("/run/systemd/system"));
  }

  @Override
  public CommandResult run(Command command) {
    if (!refusal.isEmpty()) {
      return CommandResult.notStarted(refusal);
    }
    ProcessBuilder builder = new ProcessBuilder(command.argv());
    builder.environment().putAll(command.environment());
    if (command.cwd() != null) {
      builder.directory(Path.of(command.cwd()).toFile());
    }
    if (command.stdin().isEmpty()) {
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return CommandResult.notStarted(command.program() + ": " + e.getMessage());
    }
    Capture out = new Capture(process.getInputStream());
    Capture err = new Capture(process.getErrorStream());
    try {
      if (!command.stdin().isEmpty()) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // The process closed stdin early; its exit status tells the rest.
        }
      }
      boolean finished = process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        killTree(process);
        process.waitFor(5, TimeUnit.SECONDS);
        return new CommandResult(-1, out.text(), err.text(), true);
      }
      return CommandResult.exit(process.exitValue(), out.text(), err.text());
    } catch (InterruptedException e) {
      killTree(process);
      Thread.currentThread().interrupt();
      return new CommandResult(-1, "", "interrupted", true);
    }
  }

  /**
   * Kills the process, then its descendants. Not the other way round: a shell whose child is
   * killed first goes on to its next command ({@code sleep 60; touch done} would touch). The
   * descendants are listed while the process lives, because they are re-parented once it dies.
   */
  private static void killTree(Process process) {
    List<ProcessHandle> below = process.descendants().toList();
    process.destroyForcibly();
    below.forEach(ProcessHandle::destroyForcibly);
  }

  /** Drains one stream of the process into memory, up to the capture limit. */
  private static final class Capture {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);

    Capture(InputStream stream) {
      Thread reader = new Thread(() -> {
        byte[] chunk = new byte[8192];
        try (stream) {
          int n;
          while ((n = stream.read(chunk)) >= 0) {
            synchronized (buffer) {
              // Keep reading past the limit so the process never blocks on a full pipe.
              int room = CAPTURE_LIMIT - buffer.size();
              if (room > 0) {
                buffer.write(chunk, 0, Math.min(n, room));
              }
            }
          }
        } catch (IOException e) {
          // The process is gone (killed on timeout); keep what was read.
        }
        done.countDown();
      }, "stead-command-output");
      reader.setDaemon(true);
      reader.start();
    }

    /**
     * What was read. A daemon the command started may keep the pipe open for good, so after
     * the command exited we wait only briefly for the end of the stream.
     */
    String text() throws InterruptedException {
      done.await(2, TimeUnit.SECONDS);
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
