package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirewallModuleTest {
  @TempDir Path env;

  private CatalogView compile(String node) throws Exception {
    Compiler c = ModuleFixture.environment(env, "node('default') { include 'firewall' }\n");
    return CatalogView.of(c.compile(node, TestFacts.debian().toFacts()));
  }

  private void data(String relative, String yaml) throws Exception {
    ModuleFixture.data(env, relative, yaml);
  }

  private static Map<String, Object> input(List<String> rules) {
    return Map.of("input", Map.of("hook", "input", "policy", "drop", "rules", rules));
  }

  private static final List<String> BASE = List.of("ct state established,related accept",
      "ct state invalid drop", "iif lo accept", "meta l4proto { icmp, ipv6-icmp } accept");

  private static List<String> base(String... more) {
    List<String> out = new java.util.ArrayList<>(BASE);
    out.addAll(List.of(more));
    return out;
  }

  @Test
  void sshOnlyFromAdminNetworksAndWebRolesGetHttpAndHttps() throws Exception {
    data("common.yaml", "firewall::admin_networks: [10.1.0.0/16, 'fd00:1::/64']\n");
    data("nodes/web01.yaml", "firewall::roles: [web]\n");
    CatalogView web = compile("web01");
    web.resource("firewall[stead]").hasParameter("chains", input(base(
        "ip saddr { 10.1.0.0/16 } tcp dport 22 accept",
        "ip6 saddr { fd00:1::/64 } tcp dport 22 accept",
        "tcp dport 80 accept", "tcp dport 443 accept")))
        .hasParameter("purge", false).tagged("firewall");
    web.resource("pkg[nftables]").before("firewall[stead]");
    compile("db01").resource("firewall[stead]").hasParameter("chains", input(base(
        "ip saddr { 10.1.0.0/16 } tcp dport 22 accept",
        "ip6 saddr { fd00:1::/64 } tcp dport 22 accept")));
  }

  @Test
  void rolesAndServicesAddUpAcrossLevels() throws Exception {
    data("common.yaml", """
        firewall::admin_networks: [10.1.0.0/16]
        firewall::roles: [web]
        firewall::role_services:
          metrics: [{port: 9100, from: [10.9.0.0/24]}]
          dns: [{port: 53, proto: udp}, {port: 53}]
        """);
    data("nodes/ns1.yaml", "firewall::roles: [dns, metrics]\n"
        + "firewall::admin_networks: [192.168.7.0/24]\n"
        + "firewall::rules: ['tcp dport 8000-8010 accept']\n");
    compile("ns1").resource("firewall[stead]").hasParameter("chains", input(base(
        "ip saddr { 192.168.7.0/24, 10.1.0.0/16 } tcp dport 22 accept",
        "udp dport 53 accept", "tcp dport 53 accept",
        "ip saddr { 10.9.0.0/24 } tcp dport 9100 accept",
        "tcp dport 80 accept", "tcp dport 443 accept",
        "tcp dport 8000-8010 accept")));
  }

  @Test
  void withoutAdminNetworksItRefusesToLockSshOut() throws Exception {
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("firewall/manifests/firewall.groovy:")
        .hasMessageContaining("firewall::admin_networks is empty");
    data("common.yaml", "firewall::ssh_port: 0\n");
    compile("web01").resource("firewall[stead]").hasParameter("chains", input(BASE));
  }

  @Test
  void mistakesInDataNameTheKey() throws Exception {
    data("common.yaml", "firewall::admin_networks: [10.0.0.0/8]\nfirewall::roles: [mail]\n");
    assertThatThrownBy(() -> compile("web01")).hasMessageContaining(
        "firewall::roles names role 'mail', which firewall::role_services does not define"
            + " (it defines: web)");
    data("common.yaml", "firewall::admin_networks: [10.0.0.0/8, intranet]\n");
    assertThatThrownBy(() -> compile("web01")).hasMessageContaining(
        "firewall::admin_networks: 'intranet' is not an IPv4 or IPv6 network");
    data("common.yaml", "firewall::admin_networks: [10.0.0.0/8]\nfirewall::roles: [web]\n"
        + "firewall::role_services: {web: [{port: http}]}\n");
    assertThatThrownBy(() -> compile("web01")).hasMessageContaining(
        "firewall::role_services.web: port must be a number or a range");
  }

  @Test
  void purgeAndNamespaceReachTheType() throws Exception {
    data("common.yaml", "firewall::admin_networks: [10.0.0.0/8]\n"
        + "firewall::purge_other_tables: true\nfirewall::namespace: blue\n");
    CatalogView c = compile("web01");
    c.resource("firewall[stead]").hasParameter("purge", true).hasParameter("netns", "blue");
    assertThat(c.resource("firewall[stead]").source())
        .startsWith("firewall/manifests/firewall.groovy:");
  }
}
