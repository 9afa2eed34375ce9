package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One environment, two ways: {@code stead apply ENV/site.groovy} and a real master serving
 * ENV to a real agent. Both must read the same data hierarchy (data.yaml with a level chosen
 * by a custom fact from facts.d, lookup_options, interpolation), the same modules, and so
 * compile the very same catalog: same digest, same files written.
 */
class MasterlessParityEndToEndTest {
  private static final String NODE = "parity.test";
  private static final Pattern DIGEST = Pattern.compile("\"catalogDigest\": \"([^\"]+)\"");

  @TempDir Path tmp;

  private Path environment() throws Exception {
    Path env = tmp.resolve("env");
    write(env.resolve("site.groovy"), """
        node('parity.test') {
          include 'app'
          file('/etc/node-name') { content "${node} ${facts.role}\\n" }
        }
        """);
    write(env.resolve("data.yaml"), """
        hierarchy:
          - {name: per node, path: "nodes/%{trusted.certname}.yaml"}
          - {name: per role, path: "roles/%{facts.role}.yaml"}
          - {name: common,   path: common.yaml}
        """);
    write(env.resolve("data/common.yaml"), """
        lookup_options:
          app::settings: {merge: deep}
        app::settings: {log: info, listen: [80]}
        app::motd: "%{facts.role} node %{trusted.certname}"
        """);
    write(env.resolve("data/roles/web.yaml"), "app::settings: {listen: [443]}\n");
    write(env.resolve("modules/app/manifests/app.groovy"), """
        klass('app') { Map settings, String motd ->
          file('/etc/app.conf') { content settings.toString() + '\\n' }
          file('/etc/motd') { content motd + '\\n' }
        }
        """);
    return env;
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void applyAndAgentCompileTheSameCatalogFromTheSameEnvironment() throws Exception {
    Path env = environment();
    Path factsDir = tmp.resolve("facts.d");
    write(factsDir.resolve("role.yaml"), "role: web\n");

    Path applyRoot = Files.createDirectories(tmp.resolve("root-apply/etc")).getParent();
    Cli apply = Cli.run("apply", env.resolve("site.groovy").toString(), "--certname", NODE,
        "--state", tmp.resolve("state-apply").toString(), "--root", applyRoot.toString(),
        "--facts-dir", factsDir.toString(), "--json");
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(2);
    assertThat(applyRoot.resolve("etc/app.conf")).hasContent("[log:info, listen:[80, 443]]");
    assertThat(applyRoot.resolve("etc/motd")).hasContent("web node parity.test");
    Matcher applied = DIGEST.matcher(apply.output());
    assertThat(applied.find()).as(apply.toString()).isTrue();

    Path agentRoot = Files.createDirectories(tmp.resolve("root-agent/etc")).getParent();
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), env,
        "--autosign", "*.test")) {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Cli agent = Cli.run("agent", "run", "--once", "--server", master.address,
          "--certname", NODE, "--state", tmp.resolve("state-agent").toString(),
          "--root", agentRoot.toString(), "--facts-dir", factsDir.toString(),
          "--ca-fingerprint", fingerprint);
      assertThat(agent.exitCode()).as(agent.toString()).isEqualTo(2);
      Report report;
      try (AdminClient admin = master.admin()) {
        report = new FleetClient(admin).latest(NODE, 1).get(0);
      }
      assertThat(report.getCatalogDigest()).isEqualTo(applied.group(1));
    }
    for (String file : new String[] {"etc/app.conf", "etc/motd", "etc/node-name"}) {
      assertThat(agentRoot.resolve(file)).hasSameTextualContentAs(applyRoot.resolve(file));
    }
  }
}
