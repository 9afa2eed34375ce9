package dev.stead.agent.resource.account;

import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.resource.ApplyContext;
import java.util.List;

/** Runs the shadow-utils commands (useradd, groupmod, ...); empty on success, else why. */
final class Shadow {
  private static final int LIMIT = 2000;

  private Shadow() {}

  static String run(ApplyContext context, List<String> argv) {
    Command c = Command.of(argv);
    CommandResult r = context.host().run(c);
    return r.ok() ? "" : r.describe(c, LIMIT);
  }
}
