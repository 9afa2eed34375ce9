package dev.stead.agent.resource.pkg;

import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.Host;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.RunMemo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * apt-get and apt-cache, non-interactive: no prompts, no debconf questions, existing
 * configuration files kept ({@code confdef}/{@code confold}). {@code apt-get update} runs at
 * most once per run, and only when the lists are older than {@link #LISTS_MAX_AGE} or a
 * package was not found. Every call waits up to {@link #LOCK_WAIT_S} s for dpkg's lock, held
 * by unattended-upgrades or an administrator's apt-get, instead of failing at once. Stateless;
 * per-run facts live in the run memo.
 */
final class Apt {
  static final Duration LISTS_MAX_AGE = Duration.ofDays(1);
  static final Map<String, String> ENV = Map.of("DEBIAN_FRONTEND", "noninteractive",
      "APT_LISTCHANGES_FRONTEND", "none", "LC_ALL", "C");
  private static final int MESSAGE_LIMIT = 2000;
  private static final RunMemo.Key<Boolean> UPDATED = new RunMemo.Key<>("apt-get update");
  /** Candidates read so far in this run; forgotten when the lists change. */
  static final RunMemo.Key<Candidates> CANDIDATES = new RunMemo.Key<>("apt candidates");

  static final int LOCK_WAIT_S = 120;
  private static final String LOCK_WAIT = "DPkg::Lock::Timeout=" + LOCK_WAIT_S;

  private Apt() {}

  /** Installs {@code name}, or {@code name=version}; empty on success, else why not. */
  static String install(ApplyContext context, String name, String version) {
    String target = version == null ? name : name + "=" + version;
    List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q",
        "-o", LOCK_WAIT, "-o", "Dpkg::Options::=--force-confdef",
        "-o", "Dpkg::Options::=--force-confold"));
    if (version != null) {
      argv.add("--allow-downgrades");
    }
    argv.add(target);
    if (listsStale(context)) {
      String failed = update(context);
      if (!failed.isEmpty()) {
        return failed;
      }
    }
    Command command = Command.of(argv).withEnvironment(ENV);
    CommandResult r = context.host().run(command);
    if (!r.ok() && notFound(r) && !updatedThisRun(context)) {
      String failed = update(context);
      if (!failed.isEmpty()) {
        return failed;
      }
      r = context.host().run(command);
    }
    return r.ok() ? "" : r.describe(command, MESSAGE_LIMIT);
  }

  /** Removes {@code name} (with its configuration when {@code purge}). */
  static String remove(Host host, String name, boolean purge) {
    Command command = Command.of("apt-get", purge ? "purge" : "remove", "-y", "-q",
        "-o", LOCK_WAIT, name)
        .withEnvironment(ENV);
    CommandResult r = host.run(command);
    return r.ok() ? "" : r.describe(command, MESSAGE_LIMIT);
  }

  /**
   * The candidates of {@code names} (after refreshing stale lists), with one
   * {@code apt-cache policy} call for all of them; a failure is a message in {@code error}.
   */
  static Candidates candidates(ApplyContext context, Collection<String> names,
      StringBuilder error) {
    if (listsStale(context)) {
      String failed = update(context);
      if (!failed.isEmpty()) {
        error.append(failed);
        return Candidates.none();
      }
    }
    List<String> argv = new ArrayList<>(List.of("apt-cache", "policy"));
    argv.addAll(new TreeSet<>(names));
    Command command = Command.of(argv).withEnvironment(ENV);
    CommandResult r = context.host().run(command);
    if (!r.ok()) {
      error.append(r.describe(command, MESSAGE_LIMIT));
      return Candidates.none();
    }
    return Candidates.parse(r.stdout(), names);
  }

  private static boolean notFound(CommandResult r) {
    String all = r.stdout() + r.stderr();
    return all.contains("Unable to locate package")
        || all.contains("has no installation candidate") || all.contains("not found");
  }

  private static boolean updatedThisRun(ApplyContext context) {
    return context.memo().get(UPDATED, () -> Boolean.FALSE);
  }

  private static String update(ApplyContext context) {
    Command command = Command.of("apt-get", "update", "-q", "-o", LOCK_WAIT)
        .withEnvironment(ENV);
    CommandResult r = context.host().run(command);
    context.memo().forget(UPDATED);
    context.memo().get(UPDATED, () -> Boolean.TRUE);
    // New lists may bring new candidates.
    context.memo().forget(CANDIDATES);
    return r.ok() ? "" : r.describe(command, MESSAGE_LIMIT);
  }

  /**
   * True when the lists look older than a day (and no update ran in this run). apt keeps the
   * server's modification time on the list files, so their own times say little; the cache
   * apt rebuilds after an update, the lists directory and the periodic stamp say more.
   */
  private static boolean listsStale(ApplyContext context) {
    if (updatedThisRun(context)) {
      return false;
    }
    Instant newest = Instant.EPOCH;
    for (String name : List.of("/var/cache/apt/pkgcache.bin", "/var/lib/apt/lists",
        "/var/lib/apt/periodic/update-success-stamp")) {
      try {
        Path p = context.paths().resolve(name);
        if (Files.exists(p)) {
          Instant t = Files.getLastModifiedTime(p).toInstant();
          newest = t.isAfter(newest) ? t : newest;
        }
      } catch (IOException e) {
        // Unreadable: it does not count as recent.
      }
    }
    return newest.isBefore(Instant.now().minus(LISTS_MAX_AGE));
  }
}
