package dev.stead.agent.resource.exec;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.host.Bounded;
import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Refreshable;
import dev.stead.agent.resource.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One command. Its event is property {@code exec}, {@code notrun} to {@code executed}, with
 * the command's output (the last {@value #OUTPUT_LIMIT} characters) as the message. Only a
 * guarded command ({@code creates}, {@code onlyif}, {@code unless}) declares {@code exec} as
 * a desired property: "the guard holds" is a state that can drift; an unguarded command
 * simply runs every time, which is intended, never drift.
 */
final class ExecResource implements Checkable, Refreshable {
  static final int OUTPUT_LIMIT = 4096;

  private final ExecSpec spec;

  ExecResource(ExecSpec spec) {
    this.spec = spec;
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    if (spec.refreshonly()) {
      return Result.inSync(Map.of());
    }
    Changes changes = new Changes(apply);
    if (spec.guarded()) {
      changes.desire("exec", "executed");
    }
    String[] why = new String[1];
    Boolean needed = needsToRun(context, why);
    if (needed == null) {
      return changes.fail(why[0]);
    }
    if (!needed) {
      return changes.result();
    }
    if (!apply) {
      changes.record("exec", "notrun", "executed");
      return changes.result();
    }
    Command command = shell(spec.command());
    CommandResult r = context.host().run(command);
    String output = Bounded.tail((r.stdout() + r.stderr()).strip(), OUTPUT_LIMIT);
    if (!r.ok()) {
      return changes.fail("exec", "notrun", "executed", r.describe(command, OUTPUT_LIMIT));
    }
    List<Change> done = new ArrayList<>();
    done.add(new Change("exec", "notrun", "executed", Change.Outcome.APPLIED, "", output));
    Map<String, String> desired = spec.guarded() ? Map.of("exec", "executed") : Map.of();
    return Result.changed(desired, done);
  }

  /**
   * Runs the command again, as Puppet does, when its guards still ask for it (a refreshonly
   * command has its guards checked here, for the first time in the run).
   */
  @Override
  public Refresh refresh(ApplyContext context) {
    String[] why = new String[1];
    Boolean needed = needsToRun(context, why);
    if (needed == null) {
      return Refresh.failed(why[0]);
    }
    if (!needed) {
      return Refresh.ok();
    }
    Command command = shell(spec.command());
    CommandResult r = context.host().run(command);
    // A refreshonly command runs only here: its output belongs in the report as much as
    // that of a command run by its own check.
    return r.ok() ? Refresh.ok(Bounded.tail((r.stdout() + r.stderr()).strip(), OUTPUT_LIMIT))
        : Refresh.failed(r.describe(command, OUTPUT_LIMIT));
  }

  /** True to run, false when a guard says no, null when a guard could not be evaluated. */
  private Boolean needsToRun(ApplyContext context, String[] why) {
    if (spec.creates() != null) {
      try {
        if (Files.exists(context.paths().resolve(spec.creates()), LinkOption.NOFOLLOW_LINKS)) {
          return false;
        }
      } catch (IOException e) {
        why[0] = "cannot check `creates` " + spec.creates() + ": " + IoMessages.describe(e);
        return null;
      }
    }
    if (spec.onlyif() != null) {
      CommandResult r = context.host().run(shell(spec.onlyif()));
      if (r.timedOut() || r.exitCode() < 0) {
        why[0] = "onlyif " + r.describe(shell(spec.onlyif()), 1000);
        return null;
      }
      if (r.exitCode() != 0) {
        return false;
      }
    }
    if (spec.unless() != null) {
      CommandResult r = context.host().run(shell(spec.unless()));
      if (r.timedOut() || r.exitCode() < 0) {
        why[0] = "unless " + r.describe(shell(spec.unless()), 1000);
        return null;
      }
      if (r.exitCode() == 0) {
        return false;
      }
    }
    return true;
  }

  private Command shell(String script) {
    List<String> argv = new ArrayList<>();
    if (spec.user() != null) {
      argv.addAll(List.of("runuser", "-u", spec.user(), "--"));
    }
    argv.addAll(List.of("/bin/sh", "-c", script));
    return Command.of(argv).withEnvironment(spec.environment()).withCwd(spec.cwd())
        .withTimeout(spec.timeout());
  }
}
