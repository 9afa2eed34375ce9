package dev.stead.agent.resource.account;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real account, created and removed with the real shadow tools. */
class UserContractTest extends ResourceTypeContract {
  private final String user = UNIQUE.replace('-', '_');

  @BeforeEach
  void tools() {
    assumeRootWith("useradd", "usermod", "userdel");
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  @Override
  protected List<Resource> resources() {
    return List.of(
        resource("group", user + "_g"),
        resource("user", user, "shell", "/bin/sh", "comment", "Stead Test",
            "home", "/home/" + user, "groups", List.of(user + "_g"), "managehome", true));
  }

  @Override
  protected void verifyConverged() {
    assertThat(sh("getent passwd " + user).stdout())
        .matches(user + ":x:\\d+:\\d+:Stead Test:/home/" + user + ":/bin/sh\n");
    assertThat(sh("id -nG " + user).stdout()).contains(user + "_g");
    assertThat(Path.of("/home/" + user)).isDirectory();
  }

  @Override
  protected void tamper() {
    assertThat(sh("usermod -s /bin/bash -c Mallory " + user).ok()).isTrue();
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(Path.of("/etc/passwd"), Path.of("/etc/group"), Path.of("/etc/shadow"),
        Path.of("/home/" + user));
  }

  @Override
  protected void cleanUp() {
    sh("userdel -r " + user + " 2>/dev/null; groupdel " + user + "_g 2>/dev/null; true");
  }

  /** `ensure absent` through Stead: the account, its home (managehome) and its group go. */
  @Test
  void ensureAbsentRemovesTheUser() throws Exception {
    Report made = converge(catalog(), false);
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    assertThat(sh("getent passwd " + user).ok()).isTrue();

    var absent = Catalogs4Test.catalog()
        .resource(resource("user", user, "ensure", "absent", "managehome", true)).build();
    Report removed = converge(absent, false);
    assertThat(events(removed)).as(removed.toString()).singleElement().satisfies(e -> {
      assertThat(e.getProperty()).isEqualTo("ensure");
      assertThat(e.getBefore()).isEqualTo("present");
      assertThat(e.getAfter()).isEqualTo("absent");
    });
    assertThat(Files.readString(Path.of("/etc/passwd")))
        .doesNotContain("\n" + user + ":");
    assertThat(sh("getent passwd " + user).ok()).isFalse();
    assertThat(Path.of("/home/" + user)).doesNotExist();

    Report again = converge(absent, false);
    assertThat(again.getResourcesList()).as(again.toString()).isEmpty();
  }
}
