package dev.stead.agent;

import dev.stead.agent.client.MasterChannels;
import dev.stead.agent.client.MasterList;
import dev.stead.agent.daemon.CommandStream;
import dev.stead.agent.daemon.RunSchedule;
import dev.stead.agent.daemon.SlotFile;
import dev.stead.agent.tls.SslFiles;
import dev.stead.agent.watch.DriftWatch;
import dev.stead.proto.v1.RunNow;
import dev.stead.proto.v1.RunSlot;
import dev.stead.proto.v1.RunTrigger;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code stead agent run} without {@code --once}: one run every {@code interval}, at the run slot
 * the master assigned the node (kept in {@code STATE/run-slot.pb} across restarts), or, before
 * any, the first after the node's splay ({@link RunSchedule}); an extra run as soon as {@code
 * STATE/trigger} appears ({@code stead agent trigger}); runs never overlap (each takes the {@link
 * RunLock}). The daemon announces itself in {@code STATE/daemon.pid} and refuses to start beside a
 * live one. {@link #stop} (called from the SIGTERM hook) lets the run in progress finish, then
 * returns from {@link #serve}. One instance per state directory; {@link #stop} is thread-safe. The
 * runs share one {@link AgentSession}: one TLS connection to the master, and the verified catalog
 * in memory, so a run where nothing changed neither dials nor moves the catalog.
 *
 * <p>Between runs (unless built without watch: {@code --no-watch}) the daemon watches the paths
 * its catalog manages ({@link DriftWatch}); soon after one changes it checks just the resources
 * concerned, on this same thread, so a check never overlaps a run. Its own writes do not cause
 * another check.
 *
 * <p>Unless built without it ({@code --no-subscribe}), the daemon holds a {@link CommandStream} to
 * the master, which asks for runs on demand ({@code stead job run}). Such a run is queued, never
 * run beside another: it starts as soon as the run or check in progress (if any) ends, and its
 * report carries the job's id. One run is queued at most; a newer request replaces a queued one
 * (the master asks a node for one job at a time, so this happens only when the older job has given
 * up on the node). Runs go over the stream's connection when they go to the same master, so a
 * run does not make a TLS handshake of its own.
 */
public final class AgentDaemon {
  /** How often the idle daemon looks for the trigger file. */
  private static final long POLL_MILLIS = 1000;
  private static final Logger LOG =
      Logger.getLogger(AgentDaemon.class.getName());

  private final AgentOptions options;
  private final Duration interval;
  private final RunSchedule schedule;
  private final Clock clock = Clock.systemUTC();
  private final PrintStream out;
  private final PrintStream err;
  private final boolean watch;
  private final boolean subscribe;
  /** The run the master asked for, waiting for its turn; null when none. */
  private RunNow requested;
  private final Object lock = new Object();
  private boolean stopping;
  private int runs;
  private int checks;
  /** What the log last said is watched. */
  private String lastWatching = "";

  /** What ends a wait. */
  private enum Turn { SCHEDULED, TRIGGERED, REQUESTED, WATCH, STOP }

  /** Watching managed paths between runs. */
  public AgentDaemon(AgentOptions options, Duration interval, boolean splay, PrintStream out,
      PrintStream err) {
    this(options, interval, splay, true, out, err);
  }

  /** {@code watch}: whether to check changed managed paths between runs; subscribing. */
  public AgentDaemon(AgentOptions options, Duration interval, boolean splay, boolean watch,
      PrintStream out, PrintStream err) {
    this(options, interval, splay, watch, true, out, err);
  }

  /**
   * {@code subscribe}: whether to hold the command stream to the master (runs on demand from
   * {@code stead job run}).
   */
  public AgentDaemon(AgentOptions options, Duration interval, boolean splay, boolean watch,
      boolean subscribe, PrintStream out, PrintStream err) {
    this.subscribe = subscribe;
    this.options = Objects.requireNonNull(options, "options");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    this.interval = interval;
    this.schedule = RunSchedule.of(options.certname(), interval, splay);
    this.out = out;
    this.err = err;
    this.watch = watch;
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
      err.println("stead agent run: another agent daemon (pid " + other.get()
          + ") already serves " + stateDir);
      return 1;
    }
    Files.writeString(pidFile(stateDir), me + "\n", StandardCharsets.US_ASCII);
    // Closed last: the stream and the runs share the channels.
    try (MasterChannels channels = new MasterChannels();
        AgentSession session = new AgentSession(channels); DriftWatch drift = openWatch();
        CommandStream commands = openCommands(channels)) {
      if (drift != null) {
        session.onFinished(drift::finished); // the agent's own writes, as it makes them
      }
      Optional<RunSlot> kept = SlotFile.read(stateDir);
      long startMs = clock.millis();
      long firstMs = schedule.firstRunAt(startMs, kept);
      err.println("stead agent run: daemon started (pid " + me + "), a run every "
          + human(interval) + ", first in " + human(Duration.ofMillis(firstMs - startMs))
          + kept.map(slot -> " (" + describe(slot) + ")").orElse("")
          + (drift != null ? "; watching managed files between runs" : "")
          + (commands != null ? "; runs on demand from the master" : ""));
      long next = System.nanoTime() + (firstMs - startMs) * 1_000_000;
      Optional<RunSlot> slot = kept;
      while (true) {
        Turn turn = awaitTurn(next, drift);
        if (turn == Turn.STOP) {
          break;
        }
        if (turn == Turn.WATCH) {
          check(drift, session);
          continue;
        }
        if (drift != null) {
          drift.runStarting();
        }
        long started = System.nanoTime();
        long startedMs = clock.millis();
        boolean triggered = turn == Turn.TRIGGERED;
        if (triggered) {
          err.println("stead agent run: run triggered on demand");
        }
        RunNow job = turn == Turn.REQUESTED ? takeRequested() : null;
        AgentOptions runOptions = options;
        if (job != null) {
          err.println("stead agent run: run requested by the master (job " + job.getJobId()
              + (job.getNoop() ? ", noop" : "") + ")");
          runOptions = job.getNoop() ? options.asNoop() : options;
        }
        // No progress line: the daemon writes a log (one line per message), not a terminal.
        int code = new AgentRun(runOptions, session,
            triggered || job != null ? RunTrigger.ON_DEMAND : RunTrigger.SCHEDULED)
            .forJob(job == null ? "" : job.getJobId())
            .runOnce(out, err, Progress.NONE);
        follow(drift, session);
        int run;
        synchronized (lock) {
          run = ++runs;
        }
        // The whole run, lock to acknowledged report: the figure an operator compares with
        // the interval (the report's own timings cover its phases only).
        err.println("stead agent run: run " + run + " ended (exit " + code + ") after "
            + (System.nanoTime() - started) / 1_000_000 + " ms");
        // The serial collector hands heap back to the OS only after a full collection; without
        // one the idle daemon would keep the run's peak (catalog, graph, report) for good.
        System.gc();
        Optional<RunSlot> assigned = session.runSlot().or(() -> kept);
        if (!assigned.equals(slot)) {
          slot = assigned;
          err.println("stead agent run: runs from now on at " + describe(slot.orElseThrow()));
        }
        long nowMs = clock.millis();
        long nextMs = schedule.nextRunAt(startedMs, nowMs, slot);
        next = System.nanoTime() + (nextMs - nowMs) * 1_000_000;
        long wait = next - System.nanoTime();
        LOG.fine(() -> "next run in " + human(Duration.ofNanos(wait)));
      }
      err.println("stead agent run: daemon stopped");
      return 0;
    } finally {
      if (RunLock.owner(pidFile(stateDir)).orElse(-1L) == me) {
        Files.deleteIfExists(pidFile(stateDir));
      }
      Files.deleteIfExists(triggerFile(stateDir));
    }
  }

  /** The watch, or null when off or when the platform cannot watch (runs go on). */
  private DriftWatch openWatch() {
    if (!watch) {
      return null;
    }
    try {
      return DriftWatch.start(this::wake, line -> err.println("stead agent run: watch: " + line));
    } catch (IOException | UnsupportedOperationException e) {
      err.println("stead agent run: cannot watch managed files (" + e.getMessage()
          + "); only runs will find drift");
      return null;
    }
  }

  /** The command stream, or null when off or when the server address is unusable. */
  private CommandStream openCommands(MasterChannels channels) {
    if (!subscribe) {
      return null;
    }
    MasterList masters;
    try {
      masters = MasterList.parse(options.server());
    } catch (IllegalArgumentException e) {
      return null; // each run says what is wrong with the address
    }
    return CommandStream.start(masters, channels,
        new SslFiles(options.stateDir().resolve("ssl")), options.certname(), this::requested,
        line -> err.println("stead agent run: " + line));
  }

  /** From the command stream's thread: queues the run (replacing a queued one). */
  private void requested(RunNow run) {
    synchronized (lock) {
      if (requested != null) {
        err.println("stead agent run: job " + run.getJobId() + " replaces queued job "
            + requested.getJobId());
      }
      requested = run;
      lock.notifyAll();
    }
  }

  private RunNow takeRequested() {
    synchronized (lock) {
      RunNow run = requested;
      requested = null;
      return run;
    }
  }

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** Checks the resources whose paths changed, when a batch of changes is due. */
  private void check(DriftWatch drift, AgentSession session) {
    DriftWatch.Due due = drift.takeDue(System.nanoTime());
    if (due == null || due.keys().isEmpty()) {
      return; // not due yet, or only the agent's own writes
    }
    long started = System.nanoTime();
    int check;
    synchronized (lock) {
      check = ++checks;
    }
    int n = due.keys().size();
    err.println("stead agent run: watch: " + (due.overflow()
        ? "the kernel dropped change events; checking all " + n + " watched resources"
        : due.paths() + " changed path" + (due.paths() == 1 ? "" : "s") + "; checking " + n
            + " resource" + (n == 1 ? "" : "s")));
    int code = new AgentRun(options, session).checkWatched(due.keys(), out, err);
    follow(drift, session);
    err.println("stead agent run: watch check " + check + " ended (exit " + code + ") after "
        + (System.nanoTime() - started) / 1_000_000 + " ms");
  }

  /**
   * After a converge: watches the paths of the catalog it enforced (new directories too).
   */
  private void follow(DriftWatch drift, AgentSession session) {
    if (drift == null) {
      return;
    }
    drift.follow(session.graph(), options.root());
    String watching = drift.resources() + " resource" + (drift.resources() == 1 ? "" : "s")
        + " through " + drift.directories() + " director"
        + (drift.directories() == 1 ? "y" : "ies");
    if (!watching.equals(lastWatching)) {
      lastWatching = watching;
      err.println("stead agent run: watch: watching the paths of " + watching);
    }
  }

  /** Waits until {@code nextNanos}, a trigger, a due watch check or a stop. */
  private Turn awaitTurn(long nextNanos, DriftWatch drift) throws IOException {
    Path trigger = triggerFile(options.stateDir());
    synchronized (lock) {
      while (!stopping) {
        if (requested != null) {
          return Turn.REQUESTED;
        }
        if (Files.deleteIfExists(trigger)) {
          return Turn.TRIGGERED;
        }
        long now = System.nanoTime();
        long left = nextNanos - now;
        if (left <= 0) {
          return Turn.SCHEDULED;
        }
        long due = drift == null ? Long.MAX_VALUE : drift.dueAtNanos();
        if (due != Long.MAX_VALUE) {
          if (due - now <= 0) {
            return Turn.WATCH;
          }
          left = Math.min(left, due - now);
        }
        try {
          lock.wait(Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
      return Turn.STOP;
    }
  }

  /** Asks the loop to end after the run in progress; returns at once. */
  public void stop() {
    synchronized (lock) {
      stopping = true;
      lock.notifyAll();
    }
  }

  /** Watch checks started so far. */
  public int checks() {
    synchronized (lock) {
      return checks;
    }
  }

  /** Runs started so far. */
  public int runs() {
    synchronized (lock) {
      return runs;
    }
  }

  /** The slot, as the log says it. */
  private String describe(RunSlot slot) {
    return "run slot " + (slot.getRank() + 1) + " of " + slot.getNodes() + ", "
        + human(Duration.ofMillis(schedule.offsetMs(slot))) + " into each interval";
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
