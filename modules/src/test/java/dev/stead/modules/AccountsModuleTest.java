package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.SecretBlob;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountsModuleTest {
  @TempDir Path env;

  private CatalogView compile(String node) throws Exception {
    Compiler c = ModuleFixture.environment(env, "node('default') { include 'accounts' }\n");
    return CatalogView.of(c.compile(node, TestFacts.debian().toFacts()));
  }

  private void data(String relative, String yaml) throws Exception {
    ModuleFixture.data(env, relative, yaml);
  }

  @Test
  void usersGroupsAndKeysComeFromDataAndUnlistedKeysArePurged() throws Exception {
    data("common.yaml", """
        accounts::groups: {ops: {gid: 3001}, legacy: {ensure: absent}}
        accounts::users:
          alice:
            uid: 2001
            comment: Alice Admin
            groups: [ops]
            ssh_keys:
              alice@laptop: {key: AAAAC3NzaC1lZDI1NTE5AAAAIAlice}
              alice@ci: {type: ssh-rsa, key: AAAAB3NzaC1yc2EAAAADAQABAlice}
          bob:
          carol: {ensure: absent}
        """);
    CatalogView c = compile("web01");
    c.resource("group[ops]").hasParameter("gid", 3001).containedIn("accounts");
    c.resource("group[legacy]").hasParameter("ensure", "absent");
    c.resource("user[alice]").hasParameter("uid", 2001).hasParameter("comment", "Alice Admin")
        .hasParameter("groups", List.of("ops")).hasParameter("shell", "/bin/bash")
        .hasParameter("managehome", true).hasParameter("purge_ssh_keys", true)
        .containedIn("accounts_user[alice]");
    c.resource("ssh_key[alice alice@laptop]").hasParameter("user", "alice")
        .hasParameter("type", "ssh-ed25519").hasParameter("comment", "alice@laptop")
        .hasParameter("key", "AAAAC3NzaC1lZDI1NTE5AAAAIAlice");
    c.resource("ssh_key[alice alice@ci]").hasParameter("type", "ssh-rsa");
    // An entry with no attributes is a user with the defaults; unset attributes stay unmanaged.
    c.resource("user[bob]").hasParameter("ensure", "present").hasParameter("purge_ssh_keys", true)
        .hasNoParameter("uid").hasNoParameter("groups").hasNoParameter("comment");
    // A removed user: no shell, no key purge on an account that is going away.
    c.resource("user[carol]").hasParameter("ensure", "absent").hasParameter("managehome", true)
        .hasNoParameter("shell").hasNoParameter("purge_ssh_keys");
    c.hasNoResource("pkg[sudo]").hasResourceCount(7);
  }

  @Test
  void sudoRulesAreFilesOnlyRootReadsAndVisudoChecksFirst() throws Exception {
    data("common.yaml", """
        accounts::sudo:
          ops: ['%ops ALL=(ALL:ALL) ALL', 'Defaults:%ops !lecture']
          deploy: 'deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app'
        """);
    CatalogView c = compile("web01");
    c.resource("file[/etc/sudoers.d/ops]")
        .hasParameter("content", "# Managed by Stead: local changes are reverted.\n"
            + "%ops ALL=(ALL:ALL) ALL\nDefaults:%ops !lecture\n")
        .hasParameter("mode", "0440").hasParameter("owner", "root").hasParameter("group", "root")
        .hasParameter("validate_cmd", "visudo -cf %")
        .requires("pkg[sudo]").containedIn("accounts_sudo[ops]");
    // One rule may be written without a list.
    c.resource("file[/etc/sudoers.d/deploy]").parameterContains("content",
        "\ndeploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app\n").requires("pkg[sudo]");
    c.resource("pkg[sudo]").hasParameter("ensure", "installed");
  }

  @Test
  void aNodesLevelChangesOneAttributeAndAddsUsersThroughTheDeepMerge() throws Exception {
    data("common.yaml", """
        accounts::users:
          alice: {uid: 2001, ssh_keys: {alice@laptop: {key: AAAAlaptop}}}
        """);
    data("nodes/db01.yaml", """
        accounts::users:
          alice: {shell: /bin/zsh, ssh_keys: {alice@db-jump: {key: AAAAjump}}}
          dba: {uid: 2101}
        """);
    CatalogView db = compile("db01");
    db.resource("user[alice]").hasParameter("uid", 2001).hasParameter("shell", "/bin/zsh");
    db.resource("ssh_key[alice alice@laptop]");
    db.resource("ssh_key[alice alice@db-jump]");
    db.resource("user[dba]").hasParameter("uid", 2101);
    CatalogView web = compile("web01");
    web.resource("user[alice]").hasParameter("shell", "/bin/bash");
    web.hasNoResource("user[dba]").hasNoResource("ssh_key[alice alice@db-jump]");
  }

  @Test
  void keyPurgingCanBeTurnedOffForTheWholeModuleOrOneUser() throws Exception {
    data("common.yaml", """
        accounts::purge_ssh_keys: false
        accounts::users: {alice: {}, bob: {purge_ssh_keys: true}}
        """);
    CatalogView c = compile("web01");
    c.resource("user[alice]").hasParameter("purge_ssh_keys", false);
    c.resource("user[bob]").hasParameter("purge_ssh_keys", true);
  }

  @Test
  void aPasswordHashFromDataStaysASecret() throws Exception {
    SecretBlob hash = SecretBlob.of("0123456789abcdef", "a".repeat(64), new byte[40]);
    data("common.yaml", "accounts::users: {alice: {password: '" + hash.text() + "'}}\n");
    Resource alice = compile("web01").resource("user[alice]").resource();
    assertThat(alice.getParametersOrThrow("password").getSecretValue()).isEqualTo(hash.ref());
  }

  @Test
  void noDataDeclaresNothing() throws Exception {
    compile("web01").includesClass("accounts").hasResourceCount(0);
  }

  @Test
  void aTypoInUserDataFailsNamingTheKeyAndTheUser() throws Exception {
    data("common.yaml", "accounts::users: {alice: {uid: 2001, shel: /bin/zsh}}\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("accounts::users: 'alice' has unknown attribute 'shel'")
        .hasMessageContaining("known: ensure, uid, gid, comment, shell");
  }

  @Test
  void aKeyWithoutMaterialFailsNamingTheUserAndTheKey() throws Exception {
    data("common.yaml", "accounts::users: {alice: {ssh_keys: {alice@laptop: {type: ssh-rsa}}}}\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("accounts::users: alice ssh_keys: key 'alice@laptop' has no 'key'");
  }

  @Test
  void aSudoFileNameSudoWouldSkipIsRefused() throws Exception {
    data("common.yaml", "accounts::sudo: {ops.conf: ['%ops ALL=(ALL) ALL']}\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("accounts/manifests/accounts.groovy:")
        .hasMessageContaining("accounts::sudo: 'ops.conf' cannot name a file in /etc/sudoers.d");
  }
}
