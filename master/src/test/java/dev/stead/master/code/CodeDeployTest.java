package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploys from a real git repository (a bare one made here, by file:// URL). */
class CodeDeployTest {
  @TempDir Path tmp;

  @Test
  void aBranchIsDeployedAsAWholeReleaseAndANewCommitSwapsTheLink() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Path repo = bareRepository();
    String url = repo.toUri().toString();
    push(repo, "staging", "one");
    CodeDeploy deploy = new CodeDeploy(code);

    CodeDeploy.Deployed first = deploy.deploy("staging", url, "staging");
    Path link = code.resolve("environments/staging");
    assertThat(first.changed()).isTrue();
    assertThat(first.commit()).isEqualTo(git(repo, "rev-parse", "staging"));
    assertThat(link).isSymbolicLink();
    assertThat(link.resolve("site.groovy")).hasContent("one");
    Path release1 = link.toRealPath();

    assertThat(deploy.deploy("staging", url, "staging").changed()).as("same commit").isFalse();
    assertThat(link.toRealPath()).isEqualTo(release1);

    push(repo, "staging", "two");
    CodeDeploy.Deployed second = deploy.deploy("staging", url, "staging");
    assertThat(second.changed()).isTrue();
    assertThat(link.resolve("site.groovy")).hasContent("two");
    assertThat(release1.resolve("site.groovy")).as("the replaced release is kept").hasContent("one");

    push(repo, "staging", "three");
    deploy.deploy("staging", url, "staging");
    assertThat(release1).as("older releases are deleted").doesNotExist();
    try (var releases = Files.list(code.resolve("environments/.releases/staging"))) {
      assertThat(releases.filter(Files::isDirectory).count()).isEqualTo(2);
    }
  }

  @Test
  void aFailedCloneLeavesTheEnvironmentAsItWas() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Path repo = bareRepository();
    push(repo, "staging", "one");
    CodeDeploy deploy = new CodeDeploy(code);
    deploy.deploy("staging", repo.toUri().toString(), "staging");
    Path link = code.resolve("environments/staging");
    Path before = link.toRealPath();

    assertThatThrownBy(() -> deploy.deploy("staging", repo.toUri().toString(), "nope"))
        .isInstanceOf(IOException.class).hasMessageContaining("git clone")
        .hasMessageContaining("nope");
    assertThat(link.toRealPath()).isEqualTo(before);
    assertThat(link.resolve("site.groovy")).hasContent("one");
    try (var releases = Files.list(code.resolve("environments/.releases/staging"))) {
      assertThat(releases.filter(Files::isDirectory).toList()).containsExactly(before);
    }
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    CodeDeploy deploy = new CodeDeploy(code);
    assertThatThrownBy(() -> deploy.deploy("../etc", "file:///x", "main"))
        .hasMessageContaining("--environment: an environment name is");
    assertThatThrownBy(() -> deploy.deploy("staging", "--upload-pack=evil", "main"))
        .hasMessageContaining("--repo must not start with '-'");
    assertThatThrownBy(() -> deploy.deploy("staging", "file:///x", "-b"))
        .hasMessageContaining("--branch must not start with '-'");
    assertThat(code.resolve("environments")).doesNotExist();
    // A hand-made environment is never replaced by a deploy.
    Files.createDirectories(code.resolve("environments/production"));
    assertThatThrownBy(() -> deploy.deploy("production", "file:///x", "main"))
        .hasMessageContaining("did not make; move it aside");
  }

  private Path bareRepository() throws Exception {
    Path bare = tmp.resolve("repo.git");
    git(tmp, "init", "--quiet", "--bare", bare.toString());
    return bare;
  }

  private void push(Path bare, String branch, String site) throws Exception {
    Path work = Files.createTempDirectory(tmp, "work");
    git(work, "init", "--quiet");
    Files.writeString(work.resolve("site.groovy"), site);
    git(work, "add", "site.groovy");
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet",
        "-m", site);
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
