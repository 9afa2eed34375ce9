package dev.stead.cli;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", description = "Run the agent.", subcommands = AgentCommand.Run.class)
final class AgentCommand {

  @Command(name = "run", description = {
      "Fetch this node's catalog from the master, converge, report.",
      "Exit codes: 0 no change, 2 changed (noop: would change), 4 failures, 6 both, 1 could not run."})
  static final class Run implements Callable<Integer> {
    @Option(names = "--once", description = "Run once and exit (the daemon loop comes later).")
    boolean once;

    @Option(names = "--noop", description = "Report what would change; change nothing.")
    boolean noop;

    @Option(names = "--server", description = "Master HOST:PORT (default: ${DEFAULT-VALUE}).")
    String server = Defaults.SERVER;

    @Option(names = "--certname", description = "This node's name (default: the FQDN).")
    String certname;

    @Option(names = "--state", description = "Key, certificates, state, backups (default: ${DEFAULT-VALUE}).")
    Path state = Defaults.AGENT_STATE;

    @Option(names = "--root", description = "Re-base every managed path under this directory (default: /).")
    Path root = Path.of("/");

    @Option(names = "--ca-fingerprint", description = "Expected CA fingerprint, as `stead ca fingerprint` prints it.")
    String caFingerprint;

    @Option(names = "--trust-first-use", description = "Trust the master's CA on first contact without a fingerprint.")
    boolean trustFirstUse;

    @Option(names = "--wait-for-cert", description = "Seconds to wait for the certificate to be signed (default: 0).")
    int waitForCert;

    @Override
    public Integer call() {
      if (!once) {
        System.err.println("stead agent run: only --once is supported so far; "
            + "schedule it with cron or a systemd timer meanwhile");
        return 1;
      }
      HostPort.parse(server, "--server");
      String name = certname != null ? certname : fqdn();
      AgentOptions options = new AgentOptions(server, name, state.toAbsolutePath(),
          root.toAbsolutePath(), noop, caFingerprint, trustFirstUse, waitForCert);
      return new AgentRun(options).runOnce(System.out, System.err);
    }

    private static String fqdn() {
      try {
        return InetAddress.getLocalHost().getCanonicalHostName().toLowerCase(Locale.ROOT);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("cannot tell this host's name; pass --certname", e);
      }
    }
  }
}
