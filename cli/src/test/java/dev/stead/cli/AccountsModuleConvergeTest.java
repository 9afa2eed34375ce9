package dev.stead.cli;

import static dev.stead.cli.ModuleApply.apply;
import static dev.stead.cli.ModuleApply.assertNoChanges;
import static dev.stead.cli.ModuleApply.ok;
import static dev.stead.cli.ModuleApply.sh;
import static dev.stead.cli.ModuleApply.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounts module applied for real as root, to accounts, a group and a sudoers file this
 * test makes up (never a real user's): everything converges in one run, the second changes
 * nothing, sudo grants the rule, a hand-added SSH key is purged.
 */
class AccountsModuleConvergeTest {
  private static final String ALICE_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAISteadAccountsAliceLaptopKey";
  private static final String BOB_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAISteadAccountsBobDeployKey0";
  private static final String INTRUDER = "AAAAC3NzaC1lZDI1NTE5AAAAISteadAccountsIntruderKey00";

  @TempDir Path tmp;
  private final String id = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
  private final String alice = "stt-alice-" + id;
  private final String bob = "stt-bob-" + id;
  private final String ops = "stt-ops-" + id;
  private final String sudoFile = "stt-" + id;
  private Path env;

  @BeforeEach
  void environment() throws Exception {
    ModuleApply.needsRootWith("useradd", "visudo", "sudo");
    env = tmp.resolve("env");
    write(env, "site.groovy", "node('default') { include 'accounts' }\n");
    write(env, "data/common.yaml", """
        accounts::groups: {%1$s: {}}
        accounts::users:
          %2$s:
            comment: Alice Test
            groups: [%1$s]
            ssh_keys: {alice@laptop: {key: %4$s}}
          %3$s:
            shell: /bin/sh
            ssh_keys: {bob@deploy: {key: %5$s}}
        accounts::sudo:
          %6$s: ['%%%1$s ALL=(root) NOPASSWD: /usr/bin/true']
        """.formatted(ops, alice, bob, ALICE_KEY, BOB_KEY, sudoFile));
  }

  @AfterEach
  void removeWhatTheTestMade() throws Exception {
    sh("userdel -r " + alice + "; userdel -r " + bob + "; groupdel " + ops
        + "; rm -f /etc/sudoers.d/" + sudoFile);
  }

  private InProcess converge() {
    return apply(env, Path.of("/"), tmp.resolve("state"));
  }

  @Test
  void convergesInOneRunThenChangesNothingAndPurgesAHandAddedKey() throws Exception {
    InProcess first = converge();
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(first.out()).as(first.toString()).contains(" 0 failed");

    assertThat(ok("id -nG " + alice).split("\\s+")).contains(ops);
    assertThat(ok("getent passwd " + bob)).endsWith(":/bin/sh\n");
    Path aliceKeys = Path.of("/home", alice, ".ssh/authorized_keys");
    assertThat(aliceKeys).hasContent("ssh-ed25519 " + ALICE_KEY + " alice@laptop");
    assertThat(ok("stat -c '%a %U' " + aliceKeys)).isEqualTo("600 " + alice + "\n");
    assertThat(Path.of("/home", bob, ".ssh/authorized_keys"))
        .hasContent("ssh-ed25519 " + BOB_KEY + " bob@deploy");
    Path rules = Path.of("/etc/sudoers.d", sudoFile);
    assertThat(ok("stat -c '%a %U:%G' " + rules)).isEqualTo("440 root:root\n");
    // sudo itself reads the rule: alice may run it through the group, bob may not.
    assertThat(ok("sudo -l -U " + alice)).contains("(root) NOPASSWD: /usr/bin/true");
    assertThat(ok("sudo -l -U " + bob)).contains("is not allowed to run sudo");

    assertNoChanges(converge());

    // A key nobody listed in data is drift, and goes.
    Files.writeString(aliceKeys, "ssh-ed25519 " + INTRUDER + " intruder@elsewhere\n",
        StandardOpenOption.APPEND);
    InProcess repaired = converge();
    assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
    assertThat(repaired.out()).contains("drift: user[" + alice + "] ssh_keys");
    assertThat(aliceKeys).hasContent("ssh-ed25519 " + ALICE_KEY + " alice@laptop");
    assertNoChanges(converge());

    // A user data marks absent goes, with its home; the others stay.
    write(env, "data/nodes/module.test.yaml", "accounts::users: {%s: {ensure: absent}}\n"
        .formatted(bob));
    InProcess removed = converge();
    assertThat(removed.exitCode()).as(removed.toString()).isEqualTo(2);
    assertThat(sh("getent passwd " + bob).exit()).isEqualTo(2);
    assertThat(Path.of("/home", bob)).doesNotExist();
    assertThat(aliceKeys).exists();
    assertNoChanges(converge());
  }

  @Test
  void aSudoRuleVisudoRejectsNeverReachesSudoersD() throws Exception {
    write(env, "data/common.yaml", """
        accounts::sudo:
          %s: ['ALL ALL=(ALL NOPASSWD ALL']
        """.formatted(sudoFile));
    InProcess run = converge();
    assertThat(run.exitCode()).as("exit 4: a resource failed").isEqualTo(4);
    assertThat(run.toString()).contains("file[/etc/sudoers.d/" + sudoFile + "]")
        .contains("visudo -cf").contains("syntax error");
    assertThat(Path.of("/etc/sudoers.d", sudoFile)).doesNotExist();
    assertThat(ok("sudo -n true; echo sudo still works")).contains("sudo still works");
  }
}
