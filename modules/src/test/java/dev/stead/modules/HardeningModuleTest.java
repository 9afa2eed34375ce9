package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening module's catalog: one class per CIS control, exceptions and audit mode per
 * control from data. One environment serves every test; each node name reads its own data.
 */
class HardeningModuleTest {
  /** Every control, as the module's docs list them. */
  static final List<String> CONTROLS = List.of(
      "cis_1_1_1_1", "cis_1_1_1_6", "cis_1_1_1_7", "cis_1_5_3",
      "cis_3_3_1", "cis_3_3_2", "cis_3_3_3", "cis_3_3_4", "cis_3_3_5", "cis_3_3_6", "cis_3_3_7",
      "cis_3_3_8", "cis_3_3_9", "cis_3_3_10",
      "cis_5_1_6", "cis_5_1_7", "cis_5_1_10", "cis_5_1_11", "cis_5_1_12", "cis_5_1_13",
      "cis_5_1_14", "cis_5_1_15", "cis_5_1_16", "cis_5_1_19", "cis_5_1_20", "cis_5_1_21",
      "cis_5_1_22", "cis_5_4_1_1", "cis_5_4_1_2", "cis_5_4_1_3",
      "cis_6_3_1_1", "cis_6_3_1_2", "cis_6_3_3_8",
      "cis_7_1_1", "cis_7_1_3", "cis_7_1_5", "cis_7_1_7");

  @TempDir static Path env;
  static Compiler compiler;

  @BeforeAll
  static void environment() throws Exception {
    node("excepting", "hardening::exceptions: [cis_3_3_1, '5.1.20']\n");
    node("auditing", "hardening::audit: ['5.1.20', hardening::cis_3_3_10]\n");
    node("noipv6", "hardening::ipv6: false\n");
    node("lenient", "hardening::cis_5_1_16::tries: 6\n");
    node("unknown", "hardening::exceptions: [cis_9_9_9]\n");
    node("longer", "hardening::cis_5_4_1_1::max_days: 90\nhardening::cis_5_1_7::interval: 300\n");
    compiler = ModuleFixture.environment(env, """
        node('alone') { include 'hardening::cis_5_1_20' }
        node('sshd_first') { include 'sshd'; include 'hardening' }
        node('sshd_last') { include 'hardening'; include 'sshd' }
        node('audited') { include 'hardening', mode: 'audit' }
        node('default') { include 'hardening' }
        """);
  }

  private static void node(String name, String yaml) throws Exception {
    Path p = env.resolve("data/nodes/" + name + ".yaml");
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
  }

  private static CatalogView compile(String node) throws Exception {
    return CatalogView.of(compiler.compile(node, TestFacts.debian().toFacts()));
  }

  @Test
  void theHardeningClassIncludesEveryControlEachItsOwnClassAndTagged() throws Exception {
    CatalogView c = compile("web01");
    for (String id : CONTROLS) {
      c.includesClass("hardening::" + id);
    }
    c.resource("sysctl[net.ipv4.ip_forward]").hasParameter("value", "0")
        .containedIn("hardening::cis_3_3_1").tagged("cis_3_3_1", "hardening", "cis_level1");
    c.resource("file[/etc/modprobe.d/stead-squashfs.conf]").tagged("cis_level2");
    assertThat(c.catalog().getCompileMessagesList()).isEmpty();
  }

  @Test
  void eachControlSetsWhatTheBenchmarkAsks() throws Exception {
    CatalogView c = compile("web01");
    c.resource("file[/etc/modprobe.d/stead-cramfs.conf]").hasParameter("content",
        "# Managed by Stead (hardening::cis_1_1_1_1): cramfs may not be loaded.\n"
            + "install cramfs /bin/false\nblacklist cramfs\n");
    c.resource("exec[modprobe -r udf]").hasParameter("onlyif", "grep -q '^udf ' /proc/modules")
        .requires("file[/etc/modprobe.d/stead-udf.conf]");
    c.resource("file[/etc/security/limits.d/60-stead-core.conf]")
        .parameterContains("content", "* hard core 0\n");
    c.resource("sysctl[fs.suid_dumpable]").hasParameter("value", "0");
    c.resource("sysctl[net.ipv6.conf.all.forwarding]").hasParameter("value", "0");
    c.resource("sysctl[net.ipv6.conf.default.accept_source_route]").hasParameter("value", "0");
    c.resource("sysctl[net.ipv4.tcp_syncookies]").hasParameter("value", "1");
    c.resource("file[/etc/ssh/sshd_config.d/10-cis_5_1_20.conf]")
        .hasParameter("content", "# Managed by Stead: local changes are reverted.\n"
            + "PermitRootLogin no\n")
        .hasParameter("validate_cmd", "/usr/sbin/sshd -t -f %")
        .notifies("service[ssh]").tagged("cis_5_1_20");
    c.resource("file[/etc/ssh/sshd_config.d/10-cis_5_1_7.conf]")
        .parameterContains("content", "ClientAliveCountMax 3\nClientAliveInterval 15\n");
    c.resource("file[/etc/ssh/sshd_config.d/10-cis_5_1_6.conf]")
        .parameterContains("content", "Ciphers -3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,");
    c.resource("line[login.defs PASS_MAX_DAYS]").hasParameter("path", "/etc/login.defs")
        .hasParameter("line", "PASS_MAX_DAYS 365");
    c.resource("line[login.defs PASS_WARN_AGE]").hasParameter("line", "PASS_WARN_AGE 7");
    c.resource("pkg[auditd]");
    c.resource("service[auditd]").hasParameter("ensure", "running").requires("pkg[auditd]");
    c.resource("file[/etc/audit/rules.d/50-stead-identity.rules]")
        .parameterContains("content", "-w /etc/shadow -p wa -k identity\n")
        .requires("pkg[auditd]");
    c.resource("exec[/usr/sbin/augenrules --load]").hasParameter("refreshonly", true)
        .subscribes("file[/etc/audit/rules.d/50-stead-identity.rules]");
    c.resource("file[/etc/shadow]").hasParameter("mode", "0640").hasParameter("group", "shadow");
    c.resource("file[/etc/passwd]").hasParameter("mode", "0644").hasParameter("owner", "root");
    // The controls use drop-ins and leave sshd_config to the sshd class, if included.
    c.hasNoResource("file[/etc/ssh/sshd_config]");
  }

  @Test
  void anExceptedControlIsLeftOutAndSaidSoInTheCatalog() throws Exception {
    CatalogView c = compile("excepting");
    c.hasNoResource("sysctl[net.ipv4.ip_forward]")
        .hasNoResource("file[/etc/ssh/sshd_config.d/10-cis_5_1_20.conf]");
    c.resource("sysctl[net.ipv4.tcp_syncookies]");
    assertThat(c.catalog().getClassesList()).doesNotContain("hardening::cis_3_3_1");
    assertThat(String.join("\n", c.catalog().getCompileMessagesList()))
        .contains("hardening: control cis_3_3_1 is excepted (hardening::exceptions)")
        .contains("hardening: control cis_5_1_20 is excepted");
  }

  @Test
  void oneControlInAuditModeIsNoopAndTheOthersEnforce() throws Exception {
    CatalogView c = compile("auditing");
    c.resource("file[/etc/ssh/sshd_config.d/10-cis_5_1_20.conf]").isNoop();
    c.resource("sysctl[net.ipv4.tcp_syncookies]").isNoop();
    c.resource("sysctl[net.ipv4.ip_forward]").isNotNoop();
    c.resource("file[/etc/ssh/sshd_config.d/10-cis_5_1_19.conf]").isNotNoop();
  }

  @Test
  void theWholeModuleInAuditMode() throws Exception {
    CatalogView c = compile("audited");
    for (String key : c.keys()) {
      c.resource(key).isNoop();
    }
  }

  @Test
  void oneControlAloneBringsOnlyWhatItNeeds() throws Exception {
    CatalogView c = compile("alone");
    c.resource("file[/etc/ssh/sshd_config.d/10-cis_5_1_20.conf]");
    c.resource("pkg[openssh-server]");
    c.resource("service[ssh]");
    c.hasNoResource("sysctl[net.ipv4.ip_forward]").hasNoResource("file[/etc/ssh/sshd_config]");
  }

  @Test
  void withTheSshdModuleInEitherOrderBothFilesRestartTheOneService() throws Exception {
    for (String node : List.of("sshd_first", "sshd_last")) {
      CatalogView c = compile(node);
      c.resource("file[/etc/ssh/sshd_config]").notifies("service[ssh]");
      c.resource("file[/etc/ssh/sshd_config.d/10-cis_5_1_20.conf]").notifies("service[ssh]");
      c.includesClass("sshd").includesClass("hardening::cis_5_1_20");
    }
  }

  @Test
  void withoutIpv6OnlyTheIpv4ParametersAreSet() throws Exception {
    CatalogView c = compile("noipv6");
    c.resource("sysctl[net.ipv4.ip_forward]");
    assertThat(c.keys()).noneMatch(k -> k.startsWith("sysctl[net.ipv6."));
  }

  @Test
  void parametersComeFromDataWithinWhatTheBenchmarkAllows() throws Exception {
    CatalogView c = compile("longer");
    c.resource("line[login.defs PASS_MAX_DAYS]").hasParameter("line", "PASS_MAX_DAYS 90");
    c.resource("file[/etc/ssh/sshd_config.d/10-cis_5_1_7.conf]")
        .parameterContains("content", "ClientAliveInterval 300\n");
    assertThatThrownBy(() -> compile("lenient"))
        .hasMessageContaining("hardening/manifests/ssh.groovy:")
        .hasMessageContaining("hardening::cis_5_1_16::tries must be 1 to 4, got 6");
  }

  @Test
  void anUnknownControlInDataIsAnErrorListingTheKnownOnes() throws Exception {
    assertThatThrownBy(() -> compile("unknown"))
        .hasMessageContaining("hardening::exceptions: 'cis_9_9_9' is not a control of the"
            + " hardening module (it has cis_1_1_1_1, cis_1_1_1_6");
  }

  @Test
  void theModuleDocsListEveryControl() throws Exception {
    String docs = Files.readString(ModuleFixture.modulesDir().resolve("../docs/modules.md"));
    String section = docs.substring(docs.indexOf("\n## hardening"));
    int next = section.indexOf("\n## ", 1);
    section = next > 0 ? section.substring(0, next) : section;
    for (String id : CONTROLS) {
      assertThat(section).as(id).contains("`hardening::" + id + "`");
    }
  }
}
