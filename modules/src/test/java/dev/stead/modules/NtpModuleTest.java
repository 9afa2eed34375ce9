package dev.stead.modules;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NtpModuleTest {
  @TempDir Path env;

  private CatalogView compile(String node, TestFacts facts) throws Exception {
    Compiler c = ModuleFixture.environment(env, "node('default') { include 'ntp' }\n");
    return CatalogView.of(c.compile(node, facts.toFacts()));
  }

  private void data(String relative, String yaml) throws Exception {
    ModuleFixture.data(env, relative, yaml);
  }

  @Test
  void moduleDefaultServersRenderIntoTheConfigWhichNotifiesTheService() throws Exception {
    CatalogView c = compile("web01", TestFacts.debian());
    c.resource("file[/etc/ntp.conf]")
        .parameterContains("content", "server 0.debian.pool.ntp.org iburst\n")
        .parameterContains("content", "server 1.debian.pool.ntp.org iburst\n")
        .parameterContains("content", "for web01:")
        .hasParameter("mode", "0644").hasParameter("owner", "root")
        .notifies("service[ntpsec]").tagged("time", "ntp");
    c.resource("pkg[ntpsec]").before("file[/etc/ntp.conf]").tagged("time");
    c.resource("service[ntpsec]").hasParameter("ensure", "running").hasParameter("enable", true);
  }

  @Test
  void environmentDataOverridesTheModuleDefault() throws Exception {
    data("common.yaml", "ntp::servers: [ntp.example.com]\nntp::iburst: false\n");
    data("nodes/web02.yaml", "ntp::servers: [ntp.web02.example.com]\n");
    compile("web01", TestFacts.debian()).resource("file[/etc/ntp.conf]")
        .parameterContains("content", "server ntp.example.com\n");
    compile("web02", TestFacts.debian()).resource("file[/etc/ntp.conf]")
        .parameterContains("content", "server ntp.web02.example.com\n");
  }

  @Test
  void theWholeConfigRendersByteForByte() throws Exception {
    data("common.yaml", "ntp::servers: [a.example.com, b.example.com]\n");
    compile("web01", TestFacts.debian()).resource("file[/etc/ntp.conf]").hasParameter("content",
        "# Managed by Stead for web01: local changes are reverted.\n"
            + "driftfile /var/lib/ntp/ntp.drift\n"
            + "server a.example.com iburst\n"
            + "server b.example.com iburst\n"
            + "includefile /etc/ntp.d\n");
  }

  @Test
  void noServersFailsAtTheModulesLine() throws Exception {
    data("common.yaml", "ntp::servers: []\n");
    Compiler c = ModuleFixture.environment(env, "node('default') { include 'ntp' }\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> c.compile("web01", TestFacts.debian().toFacts()))
        .hasMessageContaining("ntp/manifests/ntp.groovy:6: ntp::servers is empty");
  }

  @Test
  void otherFamiliesManageNtpd() throws Exception {
    CatalogView c = compile("web01", TestFacts.redhat());
    c.hasNoResource("service[ntpsec]").resource("service[ntpd]");
    c.resource("file[/etc/ntp.conf]").notifies("service[ntpd]");
    c.resource("pkg[ntpd]").before("file[/etc/ntp.conf]");
  }

  @Test
  void restrictionsFromEveryLevelBecomeOneDefinedTypeInstanceEach() throws Exception {
    data("common.yaml", "ntp::restrict: [10.0.0.0/8]\n");
    data("os/Debian.yaml", "ntp::restrict: [192.168.0.0/16, 10.0.0.0/8]\n");
    CatalogView c = compile("web01", TestFacts.debian());
    c.resource("file[/etc/ntp.d/restrict-10.0.0.0_8.conf]")
        .hasParameter("content", "restrict 10.0.0.0/8 nomodify notrap nopeer noquery\n")
        .containedIn("ntp_restrict[10.0.0.0/8]").notifies("service[ntpsec]");
    c.resource("file[/etc/ntp.d/restrict-192.168.0.0_16.conf]");
    c.hasResourceCount(5);
  }

  @Test
  void theModulesLookupOptionsAddRestrictionsUpAcrossLevels() throws Exception {
    data("common.yaml", "ntp::restrict: [172.16.0.0/12]\n");
    data("os/Debian.yaml", "ntp::restrict: [192.168.0.0/16]\n");
    CatalogView c = compile("web01", TestFacts.debian());
    c.resource("file[/etc/ntp.d/restrict-172.16.0.0_12.conf]");
    c.resource("file[/etc/ntp.d/restrict-192.168.0.0_16.conf]");
  }
}
