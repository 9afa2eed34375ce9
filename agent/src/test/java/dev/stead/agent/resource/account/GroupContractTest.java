package dev.stead.agent.resource.account;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Resource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** A real group with members, through groupadd and gpasswd. */
class GroupContractTest extends ResourceTypeContract {
  private final String group = UNIQUE.replace('-', '_');

  @BeforeEach
  void tools() {
    assumeRootWith("groupadd", "gpasswd", "groupdel");
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("group", group, "members", List.of("root", "daemon"),
        "system", true));
  }

  @Override
  protected void verifyConverged() {
    assertThat(sh("getent group " + group).stdout()).matches(group + ":x:\\d+:daemon,root\n");
  }

  @Override
  protected void tamper() {
    assertThat(sh("gpasswd -d daemon " + group).ok()).isTrue();
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(Path.of("/etc/group"), Path.of("/etc/gshadow"), Path.of("/etc/passwd"));
  }

  @Override
  protected void cleanUp() {
    sh("groupdel " + group + " 2>/dev/null; true");
  }
}
