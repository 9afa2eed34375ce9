package dev.stead.cli;

import dev.stead.agent.AgentDaemon;
import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.FactCollector;
import dev.stead.agent.TerminalProgress;
import dev.stead.wire.TagFilter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", description = "Run the agent.",
    subcommands = {AgentCommand.Run.class, AgentCommand.Trigger.class,
        AgentRestoreCommand.class})
final class AgentCommand {
  /** Where custom facts are read when --facts-dir is not given. */
  static final Path SYSTEM_FACTS_DIR = Path.of("/etc/stead/facts.d");
  private static final Logger DAEMON_LOG =
      Logger.getLogger(AgentDaemon.class.getName());

  @Command(name = "run", description = {
      "Fetch this node's catalog from the master, converge, report: once (--once) or as a "
          + "daemon every --interval.",
      "Exit codes of --once: 0 no change, 2 changed (noop: would change), 4 failures, 6 both, "
          + "1 could not run."})
  static final class Run implements Callable<Integer>, LogOptions.Verbose {
    @Option(names = "--once", description = "Run once and exit (else: run as a daemon).")
    boolean once;

    @Option(names = "--test", description = "What `puppet agent -t` users type: --once "
        + "--verbose (one run, Stead's DEBUG lines, the exit codes above).")
    boolean test;

    @Option(names = "--interval", converter = DurationConverter.class,
        description = "Daemon: time between runs, e.g. 30s, 5m (default: 5m).")
    Duration interval = Duration.ofMinutes(5);

    @Option(names = "--no-splay", description = "Daemon: start the first run at once "
        + "instead of after this node's stable random delay (at most one interval).")
    boolean noSplay;

    @Option(names = "--no-watch", description = "Daemon: do not watch managed files between "
        + "runs (by default a change to one is checked, and repaired, within seconds).")
    boolean noWatch;

    @Option(names = "--no-subscribe", description = "Daemon: hold no stream to the master (by "
        + "default the master can ask for a run at once: `stead job run`).")
    boolean noSubscribe;

    @Option(names = "--noop", description = "Report what would change; change nothing.")
    boolean noop;

    @Option(names = "--server", description = "Master HOST:PORT, or several masters "
        + "HOST:PORT,HOST:PORT (failing over in order) (default: ${DEFAULT-VALUE}).")
    String server = Defaults.SERVER;

    @Option(names = "--certname", description = "This node's name (default: the FQDN).")
    String certname;

    @Option(names = "--state", description = "Key, certificates, state, backups (default: ${DEFAULT-VALUE}).")
    Path state = Defaults.AGENT_STATE;

    @Option(names = "--root", description = "Re-base every managed path under this directory (default: /).")
    Path root = Path.of("/");

    @Option(names = "--facts-dir", description = "Custom facts: executables, .yaml, .json, "
        + ".txt (default: /etc/stead/facts.d; STATE/../facts.d with a non-default --state).")
    Path factsDir;

    @Option(names = "--no-cached-catalog", description = "Do not enforce the last good "
        + "catalog when the master is unreachable or cannot compile.")
    boolean noCachedCatalog;

    @Option(names = "--resource-timeout", converter = DurationConverter.class,
        description = "Fail a resource that takes longer than this (default: 300s).")
    Duration resourceTimeout = Duration.ofSeconds(300);

    @Option(names = "--json", description = "Print each run's report as JSON.")
    boolean json;

    @Option(names = "--tags", paramLabel = "TAG,...", description = "With --once: apply only "
        + "the resources with one of these tags (their untagged dependencies are not applied).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--skip-tags", paramLabel = "TAG,...", description = "With --once: leave "
        + "out the resources with any of these tags.")
    List<String> skipTags = new ArrayList<>();

    @Option(names = "--ca-fingerprint", description = "Expected CA fingerprint, as `stead ca fingerprint` prints it.")
    String caFingerprint;

    @Option(names = "--trust-first-use", description = "Trust the master's CA on first contact without a fingerprint.")
    boolean trustFirstUse;

    @Option(names = "--csr-challenge", paramLabel = "FILE", description = "Send the first line "
        + "of FILE as the certificate request's challengePassword (for the master's "
        + "--autosign-challenge-file).")
    Path csrChallenge;

    @Option(names = "--wait-for-cert", description = "Seconds to wait for the certificate to be signed (default: 0).")
    int waitForCert;

    @Override
    public boolean verbose() {
      return test;
    }

    @Override
    public Integer call() throws Exception {
      dev.stead.agent.client.MasterList.parse(server);
      TagFilter limit = TagFilter.of(tags, skipTags);
      boolean once = this.once || test;
      if (limit.limits() && !once) {
        // A daemon limited by tags would never check the rest of the catalog again.
        throw new IllegalArgumentException("--tags and --skip-tags need --once");
      }
      String name = certname != null ? certname : FactCollector.defaultCertname();
      Path stateDir = state.toAbsolutePath();
      Path facts = factsDir(factsDir, stateDir);
      AgentOptions options = new AgentOptions(server, name, stateDir, root.toAbsolutePath(),
          noop, caFingerprint, trustFirstUse, waitForCert, !noCachedCatalog, resourceTimeout,
          facts, json, csrChallenge == null ? null : csrChallenge.toAbsolutePath());
      if (once) {
        return new AgentRun(options).limitedTo(limit).runOnce(System.out, System.err,
            TerminalProgress.forConsole(System.err));
      }
      // The daemon's messages become log lines, in the master's format, with a time each;
      // only --json reports stay as they are, for a program to read.
      PrintStream log = LogSetup.lines(DAEMON_LOG, "stead agent run: ");
      AgentDaemon daemon = new AgentDaemon(options, interval, !noSplay, !noWatch, !noSubscribe,
          json ? System.out : log, log);
      // SIGTERM/SIGINT: let the run in progress finish, then leave serve() and exit 0 (a
      // plain shutdown hook would make the JVM exit 143, which service managers count as a
      // failure). The hook stays as the fallback when the signal cannot be handled.
      CountDownLatch done = new CountDownLatch(1);
      for (String signalName : new String[] {"TERM", "INT"}) {
        try {
          sun.misc.Signal.handle(new sun.misc.Signal(signalName), signal -> daemon.stop());
        } catch (IllegalArgumentException e) {
          // signal not available here; the shutdown hook below still stops cleanly
        }
      }
      Thread hook = new Thread(() -> {
        daemon.stop();
        try {
          done.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "stead-agent-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        return daemon.serve();
      } finally {
        done.countDown();
      }
    }
  }

  @Command(name = "trigger", description = "Ask the running agent daemon for a run now.")
  static final class Trigger implements Callable<Integer> {
    @Option(names = "--state", description = "The daemon's state directory (default: ${DEFAULT-VALUE}).")
    Path state = Defaults.AGENT_STATE;

    @Override
    public Integer call() throws Exception {
      try {
        long pid = AgentDaemon.trigger(state.toAbsolutePath());
        System.out.println("asked the agent daemon (pid " + pid + ") for a run");
        return 0;
      } catch (IllegalStateException e) {
        System.err.println("stead agent trigger: " + e.getMessage());
        return 1;
      }
    }
  }

  /**
   * Where custom facts are read: {@code given}, else /etc/stead/facts.d, else (with a
   * non-default state directory) {@code STATE/../facts.d}. {@code stead apply} reads the same.
   */
  static Path factsDir(Path given, Path stateDir) {
    return given != null ? given.toAbsolutePath()
        : stateDir.equals(Defaults.AGENT_STATE) ? SYSTEM_FACTS_DIR
        : stateDir.resolveSibling("facts.d");
  }
}
