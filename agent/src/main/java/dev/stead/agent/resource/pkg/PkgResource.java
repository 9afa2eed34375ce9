package dev.stead.agent.resource.pkg;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.RunMemo;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * One package. The only property is {@code ensure}; events show the installed version (or
 * {@code absent}) before and the desired state after. The package database is read once per
 * run and re-read after this run changed a package.
 */
final class PkgResource implements Checkable {
  static final Set<String> KEYWORDS = Set.of("installed", "present", "latest", "absent",
      "purged");
  private static final RunMemo.Key<PackageState> STATE = new RunMemo.Key<>("dpkg status");
  private static final RunMemo.Key<String> STATE_ERROR = new RunMemo.Key<>("dpkg error");

  private final String name;
  private final String ensure;

  PkgResource(String name, String ensure) {
    this.name = name;
    this.ensure = ensure.equals("present") ? "installed" : ensure;
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    Changes changes = new Changes(apply).desire("ensure", ensure);
    PackageState state = state(context);
    String error = context.memo().get(STATE_ERROR, () -> "");
    if (!error.isEmpty()) {
      return changes.fail(error);
    }
    Optional<String> version = state.installedVersion(name);
    String before = version.orElse(state.hasConfigFilesOnly(name) ? "config-files" : "absent");
    Result result;
    switch (ensure) {
      case "installed" -> {
        if (version.isPresent()) {
          return changes.result();
        }
        result = change(context, changes, before, () -> Apt.install(context, name, null));
      }
      case "absent" -> {
        if (version.isEmpty()) {
          return changes.result();
        }
        result = change(context, changes, before,
            () -> Apt.remove(context.host(), name, false));
      }
      case "purged" -> {
        if (version.isEmpty() && !state.hasConfigFilesOnly(name)) {
          return changes.result();
        }
        result = change(context, changes, before,
            () -> Apt.remove(context.host(), name, true));
      }
      case "latest" -> {
        if (version.isEmpty()) {
          // Not installed: apt installs the candidate, or says why there is none.
          result = change(context, changes, before, () -> Apt.install(context, name, null));
        } else {
          StringBuilder why = new StringBuilder();
          Optional<String> candidate = candidate(context, state, why);
          if (!why.isEmpty()) {
            return changes.fail(why.toString());
          }
          if (candidate.isEmpty()) {
            return changes.fail("package " + name + " has no installation candidate");
          }
          if (version.get().equals(candidate.get())) {
            return changes.result();
          }
          result = change(context, changes, before, () -> Apt.install(context, name, null));
        }
      }
      default -> {
        if (version.isPresent() && version.get().equals(ensure)) {
          return changes.result();
        }
        result = change(context, changes, before, () -> Apt.install(context, name, ensure));
      }
    }
    return result;
  }

  /** Hides the long switch's result plumbing: record, maybe apply, and finish. */
  private interface Action {
    String run();
  }

  private Result change(ApplyContext context, Changes changes, String before, Action action) {
    if (!changes.applying()) {
      changes.record("ensure", before, ensure);
      return changes.result();
    }
    String why = action.run();
    // Whatever happened, the database changed (or may have): read it again when next asked.
    context.memo().forget(STATE);
    context.memo().forget(STATE_ERROR);
    if (!why.isEmpty()) {
      return changes.fail("ensure", before, ensure, why);
    }
    changes.record("ensure", before, ensure);
    return changes.result();
  }

  /**
   * This package's candidate. The first {@code latest} package of a run asks apt about every
   * installed package at once (the answer is shared through the run memo), so a run with many
   * {@code latest} packages runs {@code apt-cache policy} once; only a package installed
   * later in the run (not in that answer) costs a query of its own.
   */
  private Optional<String> candidate(ApplyContext context, PackageState state,
      StringBuilder error) {
    Candidates known = context.memo().get(Apt.CANDIDATES, Candidates::none);
    if (!known.covers(name)) {
      Set<String> ask = new HashSet<>();
      if (known.isEmpty()) {
        ask.addAll(state.installedNames());
      }
      ask.add(name);
      Candidates fresh = Apt.candidates(context, ask, error);
      if (!error.isEmpty()) {
        return Optional.empty();
      }
      // Re-read: an apt-get update during the query forgot the older answers.
      Candidates merged = context.memo().get(Apt.CANDIDATES, Candidates::none).merge(fresh);
      context.memo().forget(Apt.CANDIDATES);
      known = context.memo().get(Apt.CANDIDATES, () -> merged);
    }
    return known.of(name);
  }

  private static PackageState state(ApplyContext context) {
    return context.memo().get(STATE, () -> {
      StringBuilder error = new StringBuilder();
      PackageState s = PackageState.read(context.host(), error);
      context.memo().forget(STATE_ERROR);
      context.memo().get(STATE_ERROR, error::toString);
      return s;
    });
  }
}
