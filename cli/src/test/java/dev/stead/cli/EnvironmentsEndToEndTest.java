package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments with a real master and real agents over mutual TLS: the master compiles each
 * node's catalog from the environment its classification names (production by default),
 * the catalog records it, a reassigned node moves at its next run, an agent cannot choose
 * (a fact named {@code environment} is only a fact), an unknown environment fails the node's
 * catalog with the environment and directory named while the node keeps its cached
 * catalog, and {@code stead code deploy} swaps a git branch in whole.
 */
class EnvironmentsEndToEndTest {
  @TempDir Path tmp;
  private MasterProcess master;

  private static String site(String content) {
    return "node('default') { file('/etc/motd') { content '" + content + "\\n' } }\n";
  }

  private List<String> agent(String node, Path root, String... extra) throws Exception {
    String fingerprint;
    try (AdminClient admin = master.admin()) {
      fingerprint = admin.caFingerprint();
    }
    List<String> run = new ArrayList<>(List.of("agent", "run", "--once", "--server",
        master.address, "--certname", node, "--state", state(node).toString(),
        "--root", root.toString(), "--ca-fingerprint", fingerprint));
    run.addAll(List.of(extra));
    return run;
  }

  private Path state(String node) {
    return tmp.resolve("state-" + node);
  }

  /** Assigns {@code node} its environment on the master (as `stead node set` does). */
  private void assign(String node, String environment) throws Exception {
    try (AdminClient admin = master.admin()) {
      admin.classify(node, java.util.Map.of("environment", environment), List.of());
    }
  }

  /** Runs the agent of {@code node}; the motd it leaves. */
  private String converge(String node) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root-" + node).resolve("etc")).getParent();
    Cli run = Cli.run(agent(node, root, "--facts-dir", tmp.resolve("facts-" + node).toString())
        .toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isIn(0, 2);
    return Files.readString(root.resolve("etc/motd"));
  }

  /** The catalog the agent of {@code node} holds: what the master last sent it. */
  private Catalog held(String node) throws Exception {
    return Catalog.parseFrom(Files.readAllBytes(state(node).resolve("catalog/last.pb")));
  }

  @Test
  void eachNodeGetsTheCodeOfTheEnvironmentTheMasterAssignsIt() throws Exception {
    Path code = tmp.resolve("code");
    Path environments = code.resolve("environments");
    Files.createDirectories(environments.resolve("production"));
    Files.createDirectories(environments.resolve("staging"));
    Files.writeString(environments.resolve("production/site.groovy"), site("production"));
    // Staging's own module file: served to its nodes from staging's modules/.
    Files.createDirectories(environments.resolve("staging/modules/app/files"));
    Files.writeString(environments.resolve("staging/modules/app/files/app.conf"), "staged\n");
    Files.writeString(environments.resolve("staging/site.groovy"), "node('default') {\n"
        + "  file('/etc/motd') { content 'staging\\n' }\n"
        + "  file('/etc/app.conf', source: 'app/app.conf')\n}\n");
    // The agent's own claim to staging: a custom fact, which selects nothing.
    Files.createDirectories(tmp.resolve("facts-web1.test"));
    Files.writeString(tmp.resolve("facts-web1.test/env.yaml"), "environment: staging\n");
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    try {
      master.stead("node", "set", "web2.test", "environment=staging");
      assertThat(converge("web1.test")).isEqualTo("production\n");
      assertThat(converge("web2.test")).isEqualTo("staging\n");
      assertThat(tmp.resolve("root-web2.test/etc/app.conf")).hasContent("staged\n");
      assertThat(Files.readString(tmp.resolve("master.log")))
          .containsPattern("catalog served node=web2\\.test .* environment=staging ");
      assertThat(held("web1.test").getEnvironment()).isEqualTo("production");
      assertThat(held("web2.test").getEnvironment()).isEqualTo("staging");
      assertThat(held("web2.test").getCodeVersion()).startsWith("sha256:")
          .isNotEqualTo(held("web1.test").getCodeVersion());

      // NODE STATUS LAST-RUN DRIFTING MODE ENV ...
      String table = master.stead("nodes").output();
      assertThat(table.lines().findFirst().orElseThrow()).contains(" ENV ");
      assertThat(table).containsPattern("web1\\.test\\s.*\\senforce\\s+production\\s")
          .containsPattern("web2\\.test\\s.*\\senforce\\s+staging\\s");
      assertThat(master.stead("nodes", "--json").output())
          .contains("\"environment\": \"staging\"").contains("\"environment\": \"production\"");
      assertThat(master.stead("node", "show", "web2.test").output())
          .containsPattern("environment:\\s+staging");

      // Reassigned on the master: the next run moves.
      assign("web1.test", "staging");
      assertThat(converge("web1.test")).isEqualTo("staging\n");
      assertThat(held("web1.test").getEnvironment()).isEqualTo("staging");

      // An environment that does not exist: the catalog request fails, naming it and the
      // directory looked in, and the node keeps the code it had.
      assign("web1.test", "qa");
      Path root = tmp.resolve("root-web1.test");
      Cli missing = Cli.run(agent("web1.test", root).toArray(String[]::new));
      assertThat(missing.exitCode()).as(missing.toString()).isNotIn(0, 2);
      assertThat(missing.output()).contains("environment 'qa'")
          .contains(environments.resolve("qa").toString());
      assertThat(Files.readString(root.resolve("etc/motd"))).isEqualTo("staging\n");
      assertThat(held("web1.test").getEnvironment()).isEqualTo("staging");
    } finally {
      master.close();
    }
  }

  @Test
  void aSingleLayoutCodeDirectoryIsProductionAndDeploysSwapWholeReleases() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), site("single"));
    Path repo = gitRepository();
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    try {
      assertThat(converge("web1.test")).isEqualTo("single\n");
      assertThat(held("web1.test").getEnvironment()).isEqualTo("production");

      Cli first = Cli.inThisJvm("code", "deploy", "--environment", "staging", "--repo",
          repo.toUri().toString(), "--branch", "staging", "--code", code.toString());
      assertThat(first.exitCode()).as(first.toString()).isZero();
      String commit1 = git(repo, "rev-parse", "staging");
      assertThat(first.output()).contains("deployed staging (commit " + commit1);
      Path link = code.resolve("environments/staging");
      assertThat(link).isSymbolicLink();
      Path release1 = link.toRealPath();

      assign("web1.test", "staging");
      assertThat(converge("web1.test")).isEqualTo("branch one\n");
      // A deployed environment's code version is its commit.
      assertThat(held("web1.test").getCodeVersion()).isEqualTo(commit1);
      assertThat(held("web1.test").getEnvironment()).isEqualTo("staging");

      commit(repo, "staging", site("branch two"));
      String commit2 = git(repo, "rev-parse", "staging");
      Cli second = Cli.inThisJvm("code", "deploy", "--environment", "staging", "--repo",
          repo.toUri().toString(), "--branch", "staging", "--code", code.toString());
      assertThat(second.exitCode()).as(second.toString()).isZero();
      assertThat(second.output()).contains("commit " + commit2);
      // A new release, the link moved in one step; the one it replaced is kept.
      assertThat(link.toRealPath()).isNotEqualTo(release1);
      assertThat(release1.resolve("site.groovy")).hasContent(site("branch one"));
      Thread.sleep(1_100); // the master looks for changed code at most once a second
      assertThat(converge("web1.test")).isEqualTo("branch two\n");
      assertThat(held("web1.test").getCodeVersion()).isEqualTo(commit2);
      // Production, in the code directory itself, is untouched by it all.
      assertThat(converge("web2.test")).isEqualTo("single\n");
    } finally {
      master.close();
    }
  }

  /** A bare repository with a branch {@code staging}, made through a scratch clone. */
  private Path gitRepository() throws Exception {
    Path bare = tmp.resolve("repo.git");
    git(tmp, "init", "--quiet", "--bare", bare.toString());
    commit(bare, "staging", site("branch one"));
    return bare;
  }

  private void commit(Path bare, String branch, String siteGroovy) throws Exception {
    Path work = Files.createTempDirectory(tmp, "work");
    git(work, "init", "--quiet");
    Files.writeString(work.resolve("site.groovy"), siteGroovy);
    git(work, "add", "site.groovy");
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet",
        "-m", "site");
    git(work, "push", "--quiet", "--force", bare.toString(), "HEAD:refs/heads/" + branch);
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(command + ": " + out).isZero();
    return out.strip();
  }
}
