package dev.stead.agent.resource.sshkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceStatus;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under a temporary root with its own /etc/passwd; root is needed to give files to the user. */
class SshKeyContractTest extends ResourceTypeContract {
  static final String KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIHcQ0rJ5b3N0ZWFkdGVzdGtleW1hdGVyaWFsMDEyMzQ1";

  @TempDir Path root;
  private Path keys;

  @BeforeEach
  void account() throws Exception {
    assumeTrue(isRoot(), "needs root: the key file is given to another user");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/bash\nalice:x:4242:4343:Alice:/home/alice:/bin/sh\n");
    Files.createDirectories(root.resolve("home/alice"));
    keys = root.resolve("home/alice/.ssh/authorized_keys");
  }

  @Override
  protected Path root() {
    return root;
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("ssh_key", "alice@laptop", "user", "alice", "key", KEY));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(Files.readAllLines(keys)).contains("ssh-ed25519 " + KEY + " alice@laptop");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.getAttribute(keys, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(4242);
    assertThat(Files.getAttribute(keys.getParent(), "unix:gid")).isEqualTo(4343);
  }

  @Override
  protected void tamper() throws Exception {
    Files.writeString(keys, "# someone's own key stays\nssh-rsa AAAAB3Nza other@host\n"
        + "ssh-ed25519 " + KEY + " mallory\n");
    Files.setPosixFilePermissions(keys.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(keys, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
  }

  /** What sshd's StrictModes would refuse is corrected, and reported, even with the key there. */
  @Test
  void correctsTheModesAndOwnersOfAnExistingSshDirectoryAndFile() throws Exception {
    Path dir = Files.createDirectory(keys.getParent());
    Files.writeString(keys, "ssh-ed25519 " + KEY + " alice@laptop\n");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));

    Report r = converge(catalog(), false);
    assertThat(r.getResources(0).getStatus()).as(r.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(events(r)).extracting(Event::getProperty, Event::getBefore, Event::getAfter)
        .containsExactly(tuple("ssh_dir", "0775 0:0", "0700 4242:4343"),
            tuple("authorized_keys", "0644 0:0", "0600 4242:4343"));
    verifyConverged();
    assertThat(Files.readString(keys)).isEqualTo("ssh-ed25519 " + KEY + " alice@laptop\n");
    assertThat(events(converge(catalog(), false))).isEmpty();
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(keys.getParent(), keys);
  }

  @Override
  protected void cleanUp() {
    // Everything lives under the temporary root.
  }

  /** `ensure absent` removes every line with the key; other keys and comments stay. */
  @Test
  void ensureAbsentRemovesTheKeyOnly() throws Exception {
    Report made = converge(catalog(), false);
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    Files.writeString(keys, "# mine\nssh-rsa AAAAB3Nza other@host\n" + Files.readString(keys)
        + "ssh-ed25519 " + KEY + " again\n");

    var absent = Catalogs4Test.catalog().resource(resource("ssh_key",
        "alice@laptop", "user", "alice", "key", KEY, "ensure", "absent")).build();
    Report removed = converge(absent, false);
    assertThat(events(removed)).as(removed.toString()).singleElement()
        .satisfies(e -> assertThat(e.getAfter()).isEqualTo("absent"));
    assertThat(Files.readString(keys)).isEqualTo("# mine\nssh-rsa AAAAB3Nza other@host\n");

    Report again = converge(absent, false);
    assertThat(again.getResourcesList()).as(again.toString()).isEmpty();
    assertThat(Files.readString(keys)).isEqualTo("# mine\nssh-rsa AAAAB3Nza other@host\n");
  }
}
