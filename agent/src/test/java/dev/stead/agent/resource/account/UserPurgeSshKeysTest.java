package dev.stead.agent.resource.account;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * purge_ssh_keys on a throwaway account made here (never a real user's keys): the key an
 * ssh_key resource names stays, in place, and any other key goes.
 */
class UserPurgeSshKeysTest extends ResourceTypeContract {
  private static final String MANAGED = "AAAAC3NzaC1lZDI1NTE5AAAAISteadManagedKeyMaterial1";
  private static final String INTRUDER = "AAAAC3NzaC1lZDI1NTE5AAAAISteadIntruderKeyMaterial";
  private static final String LATE = "AAAAC3NzaC1lZDI1NTE5AAAAISteadLateKeyMaterial0000";

  private final String user = UNIQUE.replace('-', '_') + "k";

  @BeforeEach
  void account() {
    assumeRootWith("useradd", "userdel");
    assertThat(sh("useradd -m " + user).ok()).isTrue();
    assertThat(sh("cd /home/" + user + " && mkdir -m 700 .ssh"
        + " && printf '# keys\\nssh-ed25519 " + INTRUDER + " intruder@laptop\\n"
        + "ssh-ed25519 " + MANAGED + " old-comment\\n' > .ssh/authorized_keys"
        + " && chmod 600 .ssh/authorized_keys && chown -R " + user + ": .ssh").ok()).isTrue();
  }

  private Path keys() {
    return Path.of("/home/" + user + "/.ssh/authorized_keys");
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("user", user, "purge_ssh_keys", true),
        resource("ssh_key", "deploy", "user", user, "key", MANAGED));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(Files.readString(keys()))
        .isEqualTo("# keys\nssh-ed25519 " + MANAGED + " deploy\n");
  }

  @Override
  protected void tamper() {
    assertThat(sh("echo 'from=\"10.0.0.1\" ssh-ed25519 " + LATE + " late@host' >> "
        + keys()).ok()).isTrue();
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(Path.of("/etc/passwd"), keys());
  }

  @Override
  protected void cleanUp() {
    sh("userdel -r " + user + " 2>/dev/null; true");
  }

  /** The purge names what it removed; the managed key's line is kept (only its comment set). */
  @Test
  void reportsRemovedKeysAndKeepsTheManagedLine() throws Exception {
    Report first = converge(catalog(), false);
    assertThat(events(first)).as(first.toString()).extracting(Event::getProperty)
        .containsExactlyInAnyOrder("ssh_keys", "comment");
    Event purged = events(first).stream().filter(e -> e.getProperty().equals("ssh_keys"))
        .findFirst().orElseThrow();
    assertThat(purged.getBefore()).isEqualTo("unmanaged: intruder@laptop");
    assertThat(purged.getAfter()).isEqualTo("managed only");
    verifyConverged();
    assertThat(sh("stat -c '%a %U' " + keys()).stdout()).isEqualTo("600 " + user + "\n");

    tamper();
    Report repaired = converge(catalog(), false);
    assertThat(events(repaired)).as(repaired.toString()).singleElement()
        .satisfies(e -> assertThat(e.getBefore()).isEqualTo("unmanaged: late@host"));
    verifyConverged();
  }
}
