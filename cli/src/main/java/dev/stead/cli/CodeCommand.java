package dev.stead.cli;

import dev.stead.master.code.CodeDeploy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "code", description = "The master's code directory and its environments.",
    subcommands = {CodeCommand.Deploy.class})
final class CodeCommand {

  @Command(name = "deploy", description = {
      "Deploy a branch of a git repository as one environment, on the master's machine.",
      "The branch is cloned into a new release under CODE/environments/.releases/ and "
          + "CODE/environments/NAME is then pointed at it in one step: the master (which "
          + "notices within a second) compiles from the old release or the new one, never a "
          + "half-written environment. A failed clone changes nothing."})
  static final class Deploy implements Callable<Integer> {
    @Option(names = "--environment", required = true, paramLabel = "NAME", description = "The environment to deploy, e.g. production or staging.")
    String environment;

    @Option(names = "--repo", required = true, paramLabel = "URL", description = "The git repository (any URL or path `git clone` takes).")
    String repo;

    @Option(names = "--branch", required = true, paramLabel = "BRANCH", description = "The branch to deploy.")
    String branch;

    @Option(names = "--code", paramLabel = "DIR", description = "The master's code directory, as given to `stead master start --code` (default: ${DEFAULT-VALUE}).")
    Path code = Defaults.CODE;

    @Override
    public Integer call() throws Exception {
      CodeDeploy.Deployed done = new CodeDeploy(code).deploy(environment, repo, branch);
      if (done.changed()) {
        System.out.println("deployed " + branch + " (commit " + done.commit() + ") as environment "
            + done.environment() + " in " + done.directory());
      } else {
        System.out.println("environment " + done.environment() + " already serves commit "
            + done.commit() + " of " + branch + "; nothing changed");
      }
      return 0;
    }
  }
}
