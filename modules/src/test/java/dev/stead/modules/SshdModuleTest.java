package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
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

  @TempDir static Path env;
  /** One environment for every test (loading one compiles every module): each node name
   * reads its own data file. */
  static Compiler compiler;

  @BeforeAll
  static void environment() throws Exception {
    node("lists", """
        sshd::settings:
          HostKey: [/etc/ssh/ssh_host_ed25519_key, /etc/ssh/ssh_host_rsa_key]
        sshd::matches:
          User backup:
            ForceCommand: internal-sftp
            AllowTcpForwarding: no
        """);
    node("badkey", "sshd::settings: {'PermitRootLogin no': true}\n");
    node("twolines", "sshd::settings: {Banner: \"/etc/issue\\nPermitRootLogin yes\"}\n");
    node("novalidate", "sshd::validate: false\n");
    node("maybe", "sshd::settings: {PermitRootLogin: maybe}\n");
    compiler = ModuleFixture.environment(env, """
        node('dropin') { sshd_dropin('20-admins', settings: [AllowGroups: 'adm sudo']) }
        node('badtitle') { sshd_dropin('../x', settings: [UsePAM: true]) }
        node('default') { include 'sshd' }
        """);
  }

  private static void node(String name, String yaml) throws Exception {
    Path p = env.resolve("data/nodes/" + name + ".yaml");
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
  }

  private static CatalogView compile(String node, TestFacts facts) throws Exception {
    return CatalogView.of(compiler.compile(node, facts.toFacts()));
  }

  private static CatalogView compile(String node) throws Exception {
    return compile(node, TestFacts.debian());
  }

  private static String config(String node) throws Exception {
    return (String) compile(node).resource("file[/etc/ssh/sshd_config]").parameter("content");
  }

  @Test
  void debiansOwnSettingsByDefaultValidatedAndRestartingTheService() throws Exception {
    CatalogView c = compile("web01");
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
  void dataMergesIntoTheDefaultsKeywordByKeyword(@TempDir Path levels) throws Exception {
    // Two levels of the environment's data and the module's defaults, merged by keyword.
    Files.createDirectories(levels.resolve("data/nodes"));
    Files.writeString(levels.resolve("data/common.yaml"), """
        sshd::settings:
          PasswordAuthentication: no
          X11Forwarding: no
          Port: 2222
        """);
    Files.writeString(levels.resolve("data/nodes/web01.yaml"),
        "sshd::settings: {PermitRootLogin: prohibit-password}\n");
    String content = (String) CatalogView.of(ModuleFixture.environment(levels,
            "node('default') { include 'sshd' }\n").compile("web01", TestFacts.debian().toFacts()))
        .resource("file[/etc/ssh/sshd_config]").parameter("content");
    assertThat(content).contains("PasswordAuthentication no\n", "Port 2222\n",
        "PermitRootLogin prohibit-password\n", "X11Forwarding no\n", "UsePAM yes\n");
    assertThat(content).doesNotContain("X11Forwarding yes");
  }

  @Test
  void listsRepeatTheKeywordAndMatchBlocksComeLast() throws Exception {
    String content = config("lists");
    assertThat(content).contains("HostKey /etc/ssh/ssh_host_ed25519_key\n"
        + "HostKey /etc/ssh/ssh_host_rsa_key\n");
    assertThat(content).endsWith("X11Forwarding yes\n\nMatch User backup\n"
        + "    AllowTcpForwarding no\n    ForceCommand internal-sftp\n");
  }

  @Test
  void aKeywordThatIsNotOneIsAnErrorAtTheModulesLine() throws Exception {
    assertThatThrownBy(() -> compile("badkey"))
        .hasMessageContaining("sshd/functions/config.groovy:")
        .hasMessageContaining("sshd setting 'PermitRootLogin no' is not an sshd_config keyword");
  }

  @Test
  void aValueOfTwoLinesIsRefusedBeforeItCouldAddAKeyword() throws Exception {
    assertThatThrownBy(() -> compile("twolines"))
        .hasMessageContaining("sshd setting Banner must be one non-empty line");
  }

  @Test
  void withoutValidationNoCheckAndNoPrivilegeSeparationDirectory() throws Exception {
    CatalogView c = compile("novalidate");
    c.resource("file[/etc/ssh/sshd_config]").hasNoParameter("validate_cmd");
    c.hasNoResource("file[/run/sshd]");
  }

  @Test
  void otherFamiliesRestartSshd() throws Exception {
    CatalogView c = compile("web01", TestFacts.redhat());
    c.hasNoResource("service[ssh]");
    c.resource("file[/etc/ssh/sshd_config]").notifies("service[sshd]");
  }

  @Test
  void aDropInIsValidatedRestartsSshdAndLeavesSshdConfigAlone() throws Exception {
    CatalogView c = compile("dropin");
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
    assertThatThrownBy(() -> compile("badtitle"))
        .hasMessageContaining("sshd_dropin title '../x' must be a file name");
  }

  @Test
  void theRenderedConfigPassesTheRealSshdCheckAndABadValueDoesNot() throws Exception {
    Path good = env.resolve("good_config");
    Files.writeString(good, config("web01"));
    SshdCheck.prepare();
    RealTool ok = SshdCheck.check(good);
    assertThat(ok.exitCode()).as(ok.toString()).isZero();

    Path bad = env.resolve("bad_config");
    Files.writeString(bad, config("maybe"));
    RealTool refused = SshdCheck.check(bad);
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.output()).contains("unsupported option \"maybe\"");
  }
}
