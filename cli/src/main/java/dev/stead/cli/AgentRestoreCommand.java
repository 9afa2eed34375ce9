package dev.stead.cli;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.RunLock;
import dev.stead.agent.fs.BackupRestore;
import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.secrets.SecretPaths;
import java.io.IOException;
import java.nio.file.Path;
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
    Path stateDir = state.toAbsolutePath();
    BackupStore store = new BackupStore(
        new ConvergeOptions(root.toAbsolutePath(), stateDir, false).backupDir());
    try {
      if (list) {
        if (checksum != null) {
          throw new IllegalArgumentException("--checksum selects a backup to restore; "
              + "it does not go with --list");
        }
        return list(store);
      }
      if (path == null) {
        throw new IllegalArgumentException("give the PATH to restore, or --list");
      }
      return restore(store, stateDir);
    } catch (IllegalArgumentException | RunLock.BusyException e) {
      return fail(e.getMessage());
    } catch (IOException e) {
      return fail(IoMessages.describe(e));
    }
  }

  private int list(BackupStore store) throws IOException {
    String only = path == null ? null : BackupRestore.managedPath(path);
    int shown = 0;
    for (BackupStore.Entry entry : store.entries()) {
      if (only == null || entry.path().equals(only)) {
        long size = store.sizeOf(entry.checksum());
        System.out.println(entry.time() + "  " + entry.checksum() + "  "
            + (size < 0 ? "missing" : Long.toString(size)) + "  " + entry.path());
        shown++;
      }
    }
    if (shown == 0) {
      System.err.println("stead agent restore: no backups"
          + (only == null ? "" : " of " + only) + " in " + store.directory());
    }
    return 0;
  }

  private int restore(BackupStore store, Path stateDir) throws IOException,
      RunLock.BusyException {
    String managed = BackupRestore.managedPath(path);
    BackupRestore restore = new BackupRestore(store, new RootedPaths(root.toAbsolutePath()));
    BackupStore.Entry entry = restore.select(managed, checksum);
    // A run in progress could rewrite the file or append to the index at the same moment.
    try (RunLock lock = RunLock.acquire(stateDir)) {
      // A file the catalog fills with a secret: its current content is not copied aside.
      boolean secret = SecretPaths.holdsSecret(AgentOptions.cachedCatalog(stateDir), managed);
      BackupRestore.Outcome done = restore.restore(entry, !secret);
      if (done.unchanged()) {
        System.out.println(managed + " already holds " + entry.checksum() + "; nothing to do");
      } else {
        System.out.println("restored " + managed + " from " + entry.checksum()
            + " (backed up " + entry.time() + ")");
        System.out.println(secret ? "  its previous content holds a secret and was not backed up"
            : done.previous() == null ? "  it did not exist before"
            : "  its previous content is backed up as " + done.previous()
                + " (restore that --checksum to undo)");
      }
      return 0;
    }
  }

  private static int fail(String message) {
    System.err.println("stead agent restore: " + message);
    return 1;
  }
}
