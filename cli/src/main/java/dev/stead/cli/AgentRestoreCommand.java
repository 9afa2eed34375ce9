package dev.stead.cli;

import dev.stead.agent.Backups;
import dev.stead.agent.RunLock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stead agent restore}: lists the backup store, or puts a backup back. */
@Command(name = "restore", description = {
    "Put back file content the agent replaced or removed (kept in STATE/backup): the newest "
        + "backup of PATH, or the one --checksum names. The content at PATH is backed up "
        + "first, so a restore can be undone. --list prints the backups, newest first: time, "
        + "sha256, size, path.",
    "Exit codes: 0 restored or listed, 1 error."})
final class AgentRestoreCommand implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Option(names = "--list", description = "List the backups (of PATH only, when given).")
  boolean list;

  @Option(names = "--checksum", paramLabel = "SHA256", description = "Restore this backup of "
      + "PATH: sha256:<hex>, or a unique prefix of the hex.")
  String checksum;

  @Option(names = "--state", description = "The agent's state directory (default: ${DEFAULT-VALUE}).")
  Path state = Defaults.AGENT_STATE;

  @Option(names = "--root", description = "Managed paths live under this directory, as for "
      + "`agent run` (default: /).")
  Path root = Path.of("/");

  @Parameters(arity = "0..1", paramLabel = "PATH", description = "A managed path as the "
      + "catalog names it, e.g. /etc/motd.")
  String path;

  @Override
  public Integer call() {
    Backups backups = new Backups(root, state);
    try {
      if (list) {
        if (checksum != null) {
          throw new IllegalArgumentException("--checksum selects a backup to restore; "
              + "it does not go with --list");
        }
        return list(backups);
      }
      if (path == null) {
        throw new IllegalArgumentException("give the PATH to restore, or --list");
      }
      return restore(backups);
    } catch (IllegalArgumentException | RunLock.BusyException | IOException e) {
      return fail(e.getMessage());
    }
  }

  private int list(Backups backups) throws IOException {
    List<Backups.Backup> found = backups.list(path);
    for (Backups.Backup backup : found) {
      System.out.println(backup.time() + "  " + backup.checksum() + "  "
          + (backup.size() < 0 ? "missing" : Long.toString(backup.size())) + "  "
          + backup.path());
    }
    if (found.isEmpty()) {
      System.err.println("stead agent restore: no backups"
          + (path == null ? "" : " of " + Backups.managedPath(path)) + " in "
          + backups.directory());
    }
    return 0;
  }

  private int restore(Backups backups) throws IOException, RunLock.BusyException {
    Backups.Restored done = backups.restore(path, checksum);
    Backups.Backup from = done.from();
    if (done.unchanged()) {
      System.out.println(done.path() + " already holds " + from.checksum() + "; nothing to do");
    } else {
      System.out.println("restored " + done.path() + " from " + from.checksum()
          + " (backed up " + from.time() + ")");
      System.out.println(done.secret()
          ? "  its previous content holds a secret and was not backed up"
          : done.previous() == null ? "  it did not exist before"
          : "  its previous content is backed up as " + done.previous()
              + " (restore that --checksum to undo)");
    }
    return 0;
  }

  private static int fail(String message) {
    System.err.println("stead agent restore: " + message);
    return 1;
  }
}
