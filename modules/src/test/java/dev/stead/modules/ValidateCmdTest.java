package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.TestFacts;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The modules' validate_cmd run by the agent for real (sshd -t, rsyslogd -N1): the file
 * resource each module declares, moved to a temporary path and applied alone at the real root,
 * so that a command runs and nothing of this machine's own configuration is touched.
 */
class ValidateCmdTest {
  @TempDir static Path env;
  static Compiler compiler;

  @TempDir Path tmp;

  @BeforeAll
  static void environment() throws Exception {
    Path nodes = Files.createDirectories(env.resolve("data/nodes"));
    Files.writeString(nodes.resolve("good.yaml"), "logging::server: logs.example.com\n");
    Files.writeString(nodes.resolve("maybe.yaml"), "logging::server: logs.example.com\n"
        + "sshd::settings: {PermitRootLogin: maybe}\n");
    compiler = ModuleFixture.environment(env,
        "node('default') { include 'sshd'; include 'logging' }\n");
  }

  /** The one resource {@code key} of node's catalog, its path moved to {@code path}. */
  private static Catalog alone(String node, String key, Path path, String content)
      throws Exception {
    Catalog full = compiler.compile(node, TestFacts.debian().toFacts());
    Resource r = full.getResourcesList().stream().filter(x -> Catalogs.key(x).equals(key))
        .findFirst().orElseThrow();
    Resource.Builder moved = r.toBuilder().setTitle(path.toString());
    if (content != null) {
      moved.putParameters("content", Value.newBuilder().setStringValue(content).build());
    }
    return Catalogs.seal(full.toBuilder().clearResources().clearEdges()
        .addResources(moved).build());
  }

  private Report apply(Catalog catalog) {
    return new ModuleConverge(Path.of("/"), tmp.resolve("state")).apply(catalog);
  }

  @Test
  void sshdConfigThatSshdRefusesIsNeverPutInPlace() throws Exception {
    SshdCheck.prepare();
    Path good = tmp.resolve("sshd_config");
    Report ok = apply(alone("good", "file[/etc/ssh/sshd_config]", good, null));
    assertThat(ok.getSummary().getChanged()).as(ModuleConverge.describe(ok)).isEqualTo(1);
    assertThat(good).content().contains("UsePAM yes\n");

    Path bad = tmp.resolve("bad_config");
    Report refused = apply(alone("maybe", "file[/etc/ssh/sshd_config]", bad, null));
    assertThat(refused.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(refused.getResources(0).getMessage())
        .contains("validate_cmd `/usr/sbin/sshd -t -f %`", "unsupported option \"maybe\"",
            "the new content was not put in place");
    assertThat(bad).doesNotExist();
  }

  @Test
  void anRsyslogDropInThatRsyslogRefusesIsNeverPutInPlace() throws Exception {
    String key = "file[/etc/rsyslog.d/60-stead-forward.conf]";
    Path good = tmp.resolve("forward.conf");
    Report ok = apply(alone("good", key, good, null));
    assertThat(ok.getSummary().getChanged()).as(ModuleConverge.describe(ok)).isEqualTo(1);
    assertThat(good).content().contains("target=\"logs.example.com\"");

    Path bad = tmp.resolve("broken.conf");
    Report refused = apply(alone("good", key, bad,
        "*.* action(type=\"omfwd\" target=\"logs.example.com\" protocl=\"tcp\")\n"));
    assertThat(refused.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(refused.getResources(0).getMessage())
        .contains("validate_cmd `/usr/sbin/rsyslogd -N1 -f %`", "protocl");
    assertThat(bad).doesNotExist();
  }
}
