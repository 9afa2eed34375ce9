package dev.stead.agent.resource.pkg;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.RunMemo;
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
        StringBuilder why = new StringBuilder();
        Optional<String> candidate = Apt.candidate(context, name, why);
        if (!why.isEmpty()) {
          return changes.fail(why.toString());
        }
        if (candidate.isEmpty()) {
          return changes.fail("package " + name + " has no installation candidate");
        }
        if (version.isPresent() && version.get().equals(candidate.get())) {
          return changes.result();
        }
        result = change(context, changes, before, () -> Apt.install(context, name, null));
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
