package dev.stead.agent.daemon;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.AgentSession;
import dev.stead.agent.engine.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code stead agent run} without {@code --once}: one run every {@code interval}, the first
 * after the node's {@link Splay}; an extra run as soon as {@code STATE/trigger} appears
 * ({@code stead agent trigger}); runs never overlap (each takes the {@link RunLock}). The
 * daemon announces itself in {@code STATE/daemon.pid} and refuses to start beside a live one.
 * {@link #stop} (called from the SIGTERM hook) lets the run in progress finish, then returns
 * from {@link #serve}. One instance per state directory; {@link #stop} is thread-safe. The
 * runs share one {@link AgentSession}: one TLS connection to the master, and the verified
 * catalog in memory, so a run where nothing changed neither dials nor moves the catalog.
 */
public final class AgentDaemon {
  /** How often the idle daemon looks for the trigger file. */
  private static final long POLL_MILLIS = 1000;
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(AgentDaemon.class.getName());

  private final AgentOptions options;
  private final Duration interval;
  private final Duration splay;
  private final PrintStream out;
  private final PrintStream err;
  private final Object lock = new Object();
  private boolean stopping;
  private int runs;

  public AgentDaemon(AgentOptions options, Duration interval, boolean splay, PrintStream out,
      PrintStream err) {
    this.options = Objects.requireNonNull(options, "options");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    this.interval = interval;
    this.splay = splay ? Splay.of(options.certname(), interval) : Duration.ZERO;
    this.out = out;
    this.err = err;
  }

  public static Path pidFile(Path stateDir) {
    return stateDir.resolve("daemon.pid");
  }

  public static Path triggerFile(Path stateDir) {
    return stateDir.resolve("trigger");
  }

  /** The PID of the daemon serving {@code stateDir}, when one is alive. */
  public static Optional<Long> running(Path stateDir) throws IOException {
    Optional<Long> pid = RunLock.owner(pidFile(stateDir));
    return pid.filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
  }

  /**
   * Asks the daemon of {@code stateDir} for a run now.
   *
   * @return the daemon's PID
   * @throws IllegalStateException when no daemon runs there
   */
  public static long trigger(Path stateDir) throws IOException {
    long pid = running(stateDir).orElseThrow(() -> new IllegalStateException(
        "no agent daemon is running for " + stateDir + " (start one with `stead agent run`)"));
    Files.writeString(triggerFile(stateDir), "", StandardCharsets.US_ASCII);
    return pid;
  }

  /** Serves until {@link #stop}; returns 0, or 1 when another daemon serves the directory. */
  public int serve() throws IOException {
    Path stateDir = options.stateDir();
    Files.createDirectories(stateDir);
    Optional<Long> other = running(stateDir);
    long me = ProcessHandle.current().pid();
    if (other.isPresent() && other.get() != me) {
      err.println("stead agent: another agent daemon (pid " + other.get()
          + ") already serves " + stateDir);
      return 1;
    }
    Files.writeString(pidFile(stateDir), me + "\n", StandardCharsets.US_ASCII);
    try (AgentSession session = new AgentSession()) {
      err.println("stead agent: daemon started (pid " + me + "), a run every "
          + human(interval) + ", first in " + human(splay));
      long next = System.nanoTime() + splay.toNanos();
      while (true) {
        boolean triggered = awaitTurn(next);
        synchronized (lock) {
          if (stopping) {
            break;
          }
        }
        long started = System.nanoTime();
        if (triggered) {
          err.println("stead agent: run triggered on demand");
        }
        // No progress line: the daemon writes a log (one line per message), not a terminal.
        int code = new AgentRun(options, session).runOnce(out, err, Progress.NONE);
        int run;
        synchronized (lock) {
          run = ++runs;
        }
        // The whole run, lock to acknowledged report: the figure an operator compares with
        // the interval (the report's own timings cover its phases only).
        err.println("stead agent: run " + run + " ended (exit " + code + ") after "
            + (System.nanoTime() - started) / 1_000_000 + " ms");
        // The serial collector hands heap back to the OS only after a full collection; without
        // one the idle daemon would keep the run's peak (catalog, graph, report) for good.
        System.gc();
        next = started + interval.toNanos();
        if (next < System.nanoTime()) {
          next = System.nanoTime() + interval.toNanos();
        }
        long wait = next - System.nanoTime();
        LOG.fine(() -> "next run in " + human(Duration.ofNanos(wait)));
      }
      err.println("stead agent: daemon stopped");
      return 0;
    } finally {
      if (RunLock.owner(pidFile(stateDir)).orElse(-1L) == me) {
        Files.deleteIfExists(pidFile(stateDir));
      }
      Files.deleteIfExists(triggerFile(stateDir));
    }
  }

  /** Waits until {@code nextNanos}, a trigger or a stop; true when triggered. */
  private boolean awaitTurn(long nextNanos) throws IOException {
    Path trigger = triggerFile(options.stateDir());
    synchronized (lock) {
      while (!stopping) {
        if (Files.deleteIfExists(trigger)) {
          return true;
        }
        long left = nextNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          lock.wait(Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
      return false;
    }
  }

  /** Asks the loop to end after the run in progress; returns at once. */
  public void stop() {
    synchronized (lock) {
      stopping = true;
      lock.notifyAll();
    }
  }

  /** Runs started so far. */
  public int runs() {
    synchronized (lock) {
      return runs;
    }
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return d.toMillis() + " ms";
    }
    if (s < 60) {
      return s + " s";
    }
    return s % 60 == 0 ? s / 60 + " min" : s / 60 + " min " + s % 60 + " s";
  }
}
