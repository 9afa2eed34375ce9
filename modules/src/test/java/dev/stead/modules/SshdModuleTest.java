package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sshd module's catalog per facts and data, and its output checked by the real sshd -t. */
class SshdModuleTest {
  static final String DEBIAN_DEFAULTS = """
      # Managed by Stead for web01: local changes are reverted.
      # Files in sshd_config.d are read first, and for most keywords sshd keeps the first
      # value it reads, so a drop-in (sshd_dropin, the hardening module's controls) wins.
      Include /etc/ssh/sshd_config.d/*.conf

      AcceptEnv LANG LC_*
      KbdInteractiveAuthentication no
      PrintMotd no
      Subsystem sftp /usr/lib/openssh/sftp-server
      UsePAM yes
      X11Forwarding yes
      """;

  @TempDir Path env;

  private CatalogView compile(String site, TestFacts facts) throws Exception {
    Compiler c = ModuleFixture.environment(env, site);
    return CatalogView.of(c.compile("web01", facts.toFacts()));
  }

  private CatalogView compile(TestFacts facts) throws Exception {
    return compile("node('default') { include 'sshd' }\n", facts);
  }

  private void data(String relative, String yaml) throws Exception {
    Path p = env.resolve("data").resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
  }

  @Test
  void debiansOwnSettingsByDefaultValidatedAndRestartingTheService() throws Exception {
    CatalogView c = compile(TestFacts.debian());
    c.resource("file[/etc/ssh/sshd_config]")
        .hasParameter("content", DEBIAN_DEFAULTS)
        .hasParameter("mode", "0600").hasParameter("owner", "root").hasParameter("group", "root")
        .hasParameter("validate_cmd", "/usr/sbin/sshd -t -f %")
        .requires("pkg[openssh-server]").notifies("service[ssh]");
    c.resource("service[ssh]").hasParameter("ensure", "running").hasParameter("enable", true)
        .containedIn("sshd::service");
    c.resource("file[/etc/ssh/sshd_config.d]").hasParameter("ensure", "directory")
        .requires("pkg[openssh-server]");
    // sshd -t refuses to run without the privilege separation directory.
    c.resource("file[/run/sshd]").hasParameter("ensure", "directory");
    c.hasResourceCount(5);
  }

  @Test
  void dataMergesIntoTheDefaultsKeywordByKeyword() throws Exception {
    data("common.yaml", """
        sshd::settings:
          PasswordAuthentication: no
          X11Forwarding: no
          Port: 2222
        """);
    data("nodes/web01.yaml", "sshd::settings: {PermitRootLogin: prohibit-password}\n");
    String content = (String) compile(TestFacts.debian())
        .resource("file[/etc/ssh/sshd_config]").parameter("content");
    assertThat(content).contains("PasswordAuthentication no\n", "Port 2222\n",
        "PermitRootLogin prohibit-password\n", "X11Forwarding no\n", "UsePAM yes\n");
    assertThat(content).doesNotContain("X11Forwarding yes");
  }

  @Test
  void listsRepeatTheKeywordAndMatchBlocksComeLast() throws Exception {
    data("common.yaml", """
        sshd::settings:
          HostKey: [/etc/ssh/ssh_host_ed25519_key, /etc/ssh/ssh_host_rsa_key]
        sshd::matches:
          User backup:
            ForceCommand: internal-sftp
            AllowTcpForwarding: no
        """);
    String content = (String) compile(TestFacts.debian())
        .resource("file[/etc/ssh/sshd_config]").parameter("content");
    assertThat(content).contains("HostKey /etc/ssh/ssh_host_ed25519_key\n"
        + "HostKey /etc/ssh/ssh_host_rsa_key\n");
    assertThat(content).endsWith("X11Forwarding yes\n\nMatch User backup\n"
        + "    AllowTcpForwarding no\n    ForceCommand internal-sftp\n");
  }

  @Test
  void aKeywordThatIsNotOneIsAnErrorAtTheModulesLine() throws Exception {
    data("common.yaml", "sshd::settings: {'PermitRootLogin no': true}\n");
    assertThatThrownBy(() -> compile(TestFacts.debian()))
        .hasMessageContaining("sshd/functions/config.groovy:")
        .hasMessageContaining("sshd setting 'PermitRootLogin no' is not an sshd_config keyword");
  }

  @Test
  void aValueOfTwoLinesIsRefusedBeforeItCouldAddAKeyword() throws Exception {
    data("common.yaml", "sshd::settings: {Banner: \"/etc/issue\\nPermitRootLogin yes\"}\n");
    assertThatThrownBy(() -> compile(TestFacts.debian()))
        .hasMessageContaining("sshd setting Banner must be one non-empty line");
  }

  @Test
  void withoutValidationNoCheckAndNoPrivilegeSeparationDirectory() throws Exception {
    data("common.yaml", "sshd::validate: false\n");
    CatalogView c = compile(TestFacts.debian());
    c.resource("file[/etc/ssh/sshd_config]").hasNoParameter("validate_cmd");
    c.hasNoResource("file[/run/sshd]");
  }

  @Test
  void otherFamiliesRestartSshd() throws Exception {
    CatalogView c = compile(TestFacts.redhat());
    c.hasNoResource("service[ssh]");
    c.resource("file[/etc/ssh/sshd_config]").notifies("service[sshd]");
  }

  @Test
  void aDropInIsValidatedRestartsSshdAndLeavesSshdConfigAlone() throws Exception {
    CatalogView c = compile(
        "node('default') { sshd_dropin('20-admins', settings: [AllowGroups: 'adm sudo']) }\n",
        TestFacts.debian());
    c.resource("file[/etc/ssh/sshd_config.d/20-admins.conf]")
        .hasParameter("content", "# Managed by Stead: local changes are reverted.\n"
            + "AllowGroups adm sudo\n")
        .hasParameter("mode", "0600")
        .hasParameter("validate_cmd", "/usr/sbin/sshd -t -f %")
        .requires("pkg[openssh-server]").notifies("service[ssh]")
        .containedIn("sshd_dropin[20-admins]");
    c.resource("service[ssh]");
    c.hasNoResource("file[/etc/ssh/sshd_config]");
  }

  @Test
  void aDropInTitleMustBeAFileName() throws Exception {
    assertThatThrownBy(() -> compile(
        "node('default') { sshd_dropin('../x', settings: [UsePAM: true]) }\n", TestFacts.debian()))
        .hasMessageContaining("sshd_dropin title '../x' must be a file name");
  }

  @Test
  void theRenderedConfigPassesTheRealSshdCheckAndABadValueDoesNot() throws Exception {
    Path good = env.resolve("good_config");
    Files.writeString(good, (String) compile(TestFacts.debian())
        .resource("file[/etc/ssh/sshd_config]").parameter("content"));
    SshdCheck.prepare();
    RealTool ok = SshdCheck.check(good);
    assertThat(ok.exitCode()).as(ok.toString()).isZero();

    data("common.yaml", "sshd::settings: {PermitRootLogin: maybe}\n");
    Path bad = env.resolve("bad_config");
    Files.writeString(bad, (String) compile(TestFacts.debian())
        .resource("file[/etc/ssh/sshd_config]").parameter("content"));
    RealTool refused = SshdCheck.check(bad);
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.output()).contains("unsupported option \"maybe\"");
  }
}
