package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported resources with a real master and real agents over mutual TLS: two web nodes
 * export their {@code host} entries (from their own facts), a load balancer collects them
 * into its /etc/hosts and lists the members' allowlisted facts in a file; the exporters do
 * not manage their own exports, and a changed export reaches the collector's next run.
 */
class ExportedResourcesEndToEndTest {
  @TempDir Path tmp;

  private static final String SITE = """
      node(~/^web\\d\\.test$/) {
        export {
          host(node) { ip facts.stead_ip; aliases([node.tokenize('.')[0]]); tag 'web' }
        }
        file('/etc/role', content: "web\\n")
      }
      node('lb.test') {
        collect('host') { it.tags.contains('web') }
        file('/etc/members', content: fleetFacts('stead_ip')
            .collect { "${it.node} ${it.value}\\n" }.join(''))
      }
      """;

  /** Runs {@code node}'s agent once with the fact {@code stead_ip}; its temp root. */
  private Path converge(MasterProcess master, String node, String ip) throws Exception {
    String fingerprint;
    try (AdminClient admin = master.admin()) {
      fingerprint = admin.caFingerprint();
    }
    Path root = tmp.resolve("root-" + node);
    if (!Files.exists(root.resolve("etc/hosts"))) {
      Files.createDirectories(root.resolve("etc"));
      Files.writeString(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n");
    }
    Path facts = Files.createDirectories(tmp.resolve("facts-" + node));
    Files.writeString(facts.resolve("net.yaml"), "stead_ip: " + ip + "\n");
    Cli run = Cli.run("agent", "run", "--once", "--server", master.address, "--certname", node,
        "--state", tmp.resolve("state-" + node).toString(), "--root", root.toString(),
        "--ca-fingerprint", fingerprint, "--facts-dir", facts.toString());
    assertThat(run.exitCode()).as(run.toString()).isIn(0, 2);
    return root;
  }

  @Test
  void aCollectorConvergesWhatTheOtherNodesExport() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), SITE);
    Files.writeString(code.resolve("fleet-facts.allow"), "stead_ip\n");
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), code,
        "--autosign", "*.test")) {
      Path web1 = converge(master, "web1.test", "10.1.0.1");
      converge(master, "web2.test", "10.1.0.2");
      Path lb = converge(master, "lb.test", "10.1.0.9");

      assertThat(Files.readAllLines(lb.resolve("etc/hosts"))).containsExactly(
          "127.0.0.1\tlocalhost", "10.1.0.1\tweb1.test web1", "10.1.0.2\tweb2.test web2");
      assertThat(lb.resolve("etc/members")).hasContent(
          "lb.test 10.1.0.9\nweb1.test 10.1.0.1\nweb2.test 10.1.0.2\n");
      // An exporter manages what it declares, not what it exports.
      assertThat(web1.resolve("etc/role")).hasContent("web\n");
      assertThat(Files.readAllLines(web1.resolve("etc/hosts")))
          .containsExactly("127.0.0.1\tlocalhost");

      // web2 moves: its export changes, and the collector's next run follows.
      converge(master, "web2.test", "10.1.0.22");
      converge(master, "lb.test", "10.1.0.9");
      assertThat(Files.readAllLines(lb.resolve("etc/hosts"))).containsExactly(
          "127.0.0.1\tlocalhost", "10.1.0.1\tweb1.test web1", "10.1.0.22\tweb2.test web2");
      assertThat(Files.readString(lb.resolve("etc/members"))).contains("web2.test 10.1.0.22\n");
    }
  }
}
