package dev.stead.agent.resource.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.agent.resource.RootOnly;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real commands on the real machine; they only write under a temporary directory. */
class ExecContractTest extends ResourceTypeContract {
  @TempDir Path work;

  private Path marker() {
    return work.resolve("made");
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("exec", "make the marker",
        "command", "echo \"$GREETING from $(pwd)\" > made && echo done",
        "creates", marker().toString(), "cwd", work.toString(),
        "environment", Map.of("GREETING", "hello")));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(Files.readString(marker())).isEqualTo("hello from " + work + "\n");
  }

  @Override
  protected void tamper() throws Exception {
    Files.delete(marker());
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(work, marker());
  }

  @Override
  protected void cleanUp() {
    // Only the temporary directory was written.
  }

  @Test
  void reportsBoundedOutputAndFailsOnNonZeroExit() {
    Report ok = converge(catalogOf(resource("exec", "chatty",
        "command", "head -c 10000 /dev/zero | tr '\\0' x; echo; echo tail-end")), false);
    Event e = events(ok).get(0);
    assertThat(e.getProperty()).isEqualTo("exec");
    assertThat(e.getMessage()).endsWith("tail-end").hasSizeLessThan(4200).contains("cut");

    Report failed = converge(catalogOf(resource("exec", "failing",
        "command", "echo broken >&2; exit 7")), false);
    assertThat(failed.getResources(0).getMessage()).contains("exited with 7").contains("broken");
  }

  @Test
  void onlyifAndUnlessDecide() {
    Report r = converge(catalogOf(
        resource("exec", "never", "command", "touch " + work.resolve("a"), "onlyif", "false"),
        resource("exec", "skipped", "command", "touch " + work.resolve("b"), "unless", "true"),
        resource("exec", "runs", "command", "touch " + work.resolve("c"), "unless", "false")),
        false);
    assertThat(events(r)).hasSize(1);
    assertThat(work.resolve("a")).doesNotExist();
    assertThat(work.resolve("b")).doesNotExist();
    assertThat(work.resolve("c")).exists();
  }

  /** `user` through runuser, with a real throwaway account; `cwd` and `environment` too. */
  @Test
  void runsAsTheUserInItsDirectoryWithItsEnvironment() throws Exception {
    RootOnly.assumeRootWith("useradd", "userdel", "runuser");
    String user = UNIQUE;
    assertThat(RootOnly.sh("useradd --system --no-create-home --shell /usr/sbin/nologin " + user)
        .ok()).as("useradd").isTrue();
    try {
      // The user must reach its working directory: traverse the temporary directory, own a
      // directory in it.
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
      Path home = Files.createDirectory(work.resolve("as-user"));
      int uid = Integer.parseInt(RootOnly.sh("id -u " + user).stdout().strip());
      Files.setAttribute(home, "unix:uid", uid);

      Report r = converge(catalogOf(resource("exec", "as the user",
          "command", "id -un > who && pwd > where && echo \"$GREETING\" > env",
          "user", user, "cwd", home.toString(), "environment", Map.of("GREETING", "hi there"),
          "creates", home.resolve("who").toString())), false);
      assertThat(r.getResources(0).getStatus()).as(r.toString())
          .isEqualTo(ResourceStatus.CHANGED);
      assertThat(Files.readString(home.resolve("who"))).isEqualTo(user + "\n");
      assertThat(Files.getAttribute(home.resolve("who"), "unix:uid")).isEqualTo(uid);
      assertThat(Files.readString(home.resolve("where"))).isEqualTo(home + "\n");
      assertThat(Files.readString(home.resolve("env"))).isEqualTo("hi there\n");

      Report unknown = converge(catalogOf(resource("exec", "as nobody known",
          "command", "true", "user", "steadnosuchuser")), false);
      assertThat(unknown.getResources(0).getStatus()).isEqualTo(
          ResourceStatus.FAILED);
      assertThat(unknown.getResources(0).getMessage()).contains("steadnosuchuser");
    } finally {
      RootOnly.sh("userdel " + user);
    }
    assertThat(RootOnly.sh("id " + user).ok()).as("the throwaway user is gone").isFalse();
  }

  private Catalog catalogOf(Resource... rs) {
    Catalogs4Test c = Catalogs4Test.catalog();
    for (Resource r : rs) {
      c.resource(r);
    }
    return c.build();
  }
}
