package dev.stead.cli;

import dev.stead.master.code.CodeDeploy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

    @Option(names = "--code", paramLabel = "DIR", description = "The master's code directory (default: the master's own, from master.conf or STEAD_MASTER_CODE, else /etc/stead/code).")
    Path code;

    /** Where the master's own settings are read when --code is not given. */
    Settings master = Settings.forMachine("master");

    @Override
    public Integer call() throws Exception {
      CodeDeploy.Deployed done = new CodeDeploy(codeDirectory()).deploy(environment, repo, branch);
      if (done.changed()) {
        System.out.println("deployed " + branch + " (commit " + done.commit() + ") as environment "
            + done.environment() + " in " + done.directory());
      } else {
        System.out.println("environment " + done.environment() + " already serves commit "
            + done.commit() + " of " + branch + "; nothing changed");
      }
      return 0;
    }

    /**
     * The directory given, else the one `stead master start` reads from its settings: an
     * environment deployed anywhere else would never be served.
     */
    Path codeDirectory() {
      if (code != null) {
        return code;
      }
      CommandSpec start = new CommandLine(new MasterCommand.Start()).getCommandSpec();
      String configured = master.defaultValue(start.findOption("--code"));
      return configured == null ? Defaults.CODE : Path.of(configured);
    }
  }
}
