package dev.stead.agent.resource;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.SystemHost;
import java.util.List;

/** Helpers for tests that change the real machine (CI runs them as root on a throwaway one). */
public final class RootOnly {
  private RootOnly() {}

  public static void assumeRootWith(String... programs) {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: this test changes the real machine (CI runs it as root)");
    for (String p : programs) {
      // Root on CI's throwaway machine: a missing tool is a broken .ci/run, not a skip.
      if (System.getenv("CI") != null && !sh("command -v " + p).ok()) {
        throw new AssertionError("needs " + p + " installed: .ci/run must install it");
      }
      assumeTrue(sh("command -v " + p).ok(), "needs " + p + " installed (see .ci/run)");
    }
  }

  /** Runs a shell line on the real host. */
  public static CommandResult sh(String script) {
    return SystemHost.unrestricted().run(Command.of(List.of("/bin/sh", "-c", script)));
  }
}
