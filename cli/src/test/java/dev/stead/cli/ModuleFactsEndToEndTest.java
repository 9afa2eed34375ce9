package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A module's facts.d/ with a real master and real agents over mutual TLS on loopback: the
 * files reach the agents whose catalogs use the module, are read (or run) by the fact
 * collector on the next run, and the master compiles with them; with the core facts, such as
 * reboot_required.
 */
class ModuleFactsEndToEndTest {
  @TempDir Path tmp;

  private Path code() throws Exception {
    Path code = tmp.resolve("code");
    Path module = code.resolve("modules/patching");
    Files.createDirectories(module.resolve("manifests"));
    Files.createDirectories(module.resolve("facts.d"));
    Files.writeString(module.resolve("module.yaml"), "name: patching\nversion: 1.0.0\n");
    Files.writeString(module.resolve("manifests/patching.groovy"), """
        klass('patching') {
          file('/etc/patching.facts', mode: '0644',
              content: "window=${facts.patch_window ?: 'unknown'}\\n"
              + "pending=${facts.pending_updates ?: 'unknown'}\\n"
              + "reboot=${facts.reboot_required}\\n")
        }
        """);
    Files.writeString(module.resolve("facts.d/window.yaml"), "patch_window: sunday 02:00\n");
    Path script = module.resolve("facts.d/pending");
    Files.writeString(script, "#!/bin/sh\necho pending_updates=3\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(code.resolve("site.groovy"), """
        node('db.test') { file('/etc/db.conf', content: "db\\n") }
        node('default') { include 'patching' }
        """);
    return code;
  }

  private int agentRun(Master master, String node, Path state, Path root, StringBuilder log) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = new AgentRun(new AgentOptions(master.address(), node, state, root, false,
        master.caFingerprint(), false, 0)).runOnce(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    log.append(out.toString(StandardCharsets.UTF_8));
    return code;
  }

  @Test
  void moduleFactsReachTheAgentsUsingTheModuleAndCountFromTheNextRun() throws Exception {
    Path code = code();
    boolean reboot = Files.exists(Path.of("/var/run/reboot-required"))
        || Files.exists(Path.of("/run/reboot-required"));
    try (Master master = Master.builder(
        new MasterConfig(tmp.resolve("master"), code, List.of(), "127.0.0.1", 0, "*")).start()) {
      Path state = tmp.resolve("web/state");
      Path root = tmp.resolve("web/root");
      Files.createDirectories(root.resolve("etc"));
      StringBuilder log = new StringBuilder();

      // First run: the catalog was compiled without the module's facts; they arrive with it.
      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isEqualTo(2);
      assertThat(root.resolve("etc/patching.facts"))
          .hasContent("window=unknown\npending=unknown\nreboot=" + reboot + "\n");
      Path installed = state.resolve("facts.d/patching");
      assertThat(installed.resolve("window.yaml")).hasContent("patch_window: sunday 02:00\n");
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(installed.resolve("pending")))).isEqualTo("rwxr-xr-x");
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(installed.resolve("window.yaml"))))
          .isEqualTo("rw-r--r--");

      // Next run: the collector read one and ran the other; the master compiled with them.
      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isEqualTo(2);
      assertThat(root.resolve("etc/patching.facts"))
          .hasContent("window=sunday 02:00\npending=3\nreboot=" + reboot + "\n");
      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isZero();

      // A fact the module no longer ships is removed from the agent, and stops counting.
      Files.delete(code.resolve("modules/patching/facts.d/window.yaml"));
      Thread.sleep(1100); // the master looks for changed code at most once a second
      agentRun(master, "web1.test", state, root, log);
      assertThat(installed.resolve("window.yaml")).doesNotExist();
      assertThat(installed.resolve("pending")).exists();
      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isEqualTo(2);
      assertThat(root.resolve("etc/patching.facts"))
          .hasContent("window=unknown\npending=3\nreboot=" + reboot + "\n");

      // A node whose catalog does not use the module gets none of its facts.
      Path dbState = tmp.resolve("db/state");
      Path dbRoot = tmp.resolve("db/root");
      Files.createDirectories(dbRoot.resolve("etc"));
      assertThat(agentRun(master, "db.test", dbState, dbRoot, log)).as(log::toString)
          .isEqualTo(2);
      assertThat(dbState.resolve("facts.d/patching")).doesNotExist();
      assertThat(log.toString()).doesNotContain("module fact");
    }
  }
}
