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

  /** `ensure absent` through Stead removes the group from /etc/group. */
  @Test
  void ensureAbsentRemovesTheGroup() throws Exception {
    Report made = converge(catalog(), false);
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    assertThat(sh("getent group " + group).ok()).isTrue();

    var absent = Catalogs4Test.catalog()
        .resource(resource("group", group, "ensure", "absent")).build();
    Report removed = converge(absent, false);
    assertThat(events(removed)).as(removed.toString()).singleElement()
        .satisfies(e -> assertThat(e.getAfter()).isEqualTo("absent"));
    assertThat(Files.readAllLines(Path.of("/etc/group")))
        .noneMatch(l -> l.startsWith(group + ":"));
    assertThat(sh("getent group " + group).ok()).isFalse();

    Report again = converge(absent, false);
    assertThat(again.getResourcesList()).as(again.toString()).isEmpty();
  }
}
