package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.proto.v1.NodePreviewOutcome;
import dev.stead.proto.v1.PreviewEvent;
import dev.stead.proto.v1.ResourceChangeKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stead preview` against a master whose nodes' facts came from real agent runs. */
class PreviewCommandTest {
  private static final String SITE = """
      node('default') {
        file('/etc/motd') { content "hello ${trusted.certname}\\nbye\\n" }
      }
      """;

  @TempDir Path tmp;

  @Test
  void printsWhatWouldChangeAsTextAndAsJsonLines() throws Exception {
    Path code = tmp.resolve("code");
    Path next = tmp.resolve("next");
    Files.createDirectories(code);
    Files.createDirectories(next);
    Files.writeString(code.resolve("site.groovy"), SITE);
    Path data = tmp.resolve("master");
    try (Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start()) {
      for (String node : List.of("web1.test", "db1.test")) {
        agentRun(master, node);
      }
      Files.writeString(next.resolve("site.groovy"), SITE.replace("bye", "${trusted.certname"
          + ".startsWith('web') ? 'see you' : 'bye'}"));

      InProcess text = InProcess.run("preview", "--data", data.toString(), "--code",
          next.toString());

      assertThat(text.exitCode()).as(text.err()).isZero();
      assertThat(text.out()).contains("""
          web1.test: 1 resource change
            ~ file[/etc/motd]  (site.groovy:2)
                content:
                  --- /etc/motd
                  +++ /etc/motd
                  @@ -1,2 +1,2 @@
                   hello web1.test
                  -bye
                  +see you
          """)
          .doesNotContain("db1.test:")
          .contains("2 nodes, 1 change, 1 unchanged, 0 fail to compile, 0 without facts")
          .contains("most common changes:\n  file[/etc/motd] content: 1 node\n");

      InProcess json = InProcess.run("preview", "--data", data.toString(), "--code",
          next.toString(), "--json", "--nodes", "web*");

      assertThat(json.exitCode()).as(json.err()).isZero();
      List<PreviewEvent> events = new ArrayList<>();
      for (String line : json.out().strip().split("\n")) {
        PreviewEvent.Builder event = PreviewEvent.newBuilder();
        JsonFormat.parser().merge(line, event);
        events.add(event.build());
      }
      assertThat(events).hasSize(2);
      assertThat(events.get(0).getNode().getNode()).isEqualTo("web1.test");
      assertThat(events.get(0).getNode().getOutcome())
          .isEqualTo(NodePreviewOutcome.PREVIEW_CHANGED);
      assertThat(events.get(0).getNode().getResources(0).getKind())
          .isEqualTo(ResourceChangeKind.RESOURCE_MODIFIED);
      assertThat(events.get(1).getSummary().getNodes()).isEqualTo(1);
      assertThat(json.out()).startsWith("{\"node\":{\"node\":\"web1.test\"")
          .contains("\"outcome\":\"PREVIEW_CHANGED\"");

      Files.writeString(next.resolve("site.groovy"), "node('default') {\n  fail('no')\n}\n");
      InProcess broken = InProcess.run("preview", "--data", data.toString(), "--code",
          next.toString());

      assertThat(broken.exitCode()).isEqualTo(1);
      assertThat(broken.out()).contains("db1.test: does not compile\n  site.groovy:2: ")
          .contains("2 fail to compile");
    }
  }

  @Test
  void anEnvironmentPreviewsOnlyItsNodesAgainstTheCodeItServesNowOrAgainstDir()
      throws Exception {
    Path code = tmp.resolve("code");
    Path production = Files.createDirectories(code.resolve("environments/production"));
    Path staging = Files.createDirectories(code.resolve("environments/staging"));
    Files.writeString(production.resolve("site.groovy"), SITE);
    Files.writeString(staging.resolve("site.groovy"), SITE.replace("bye", "staging"));
    Path data = tmp.resolve("master");
    try (Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start()) {
      agentRun(master, "web1.test");
      InProcess set = InProcess.run("node", "set", "stage1.test", "environment=staging",
          "--data", data.toString());
      assertThat(set.exitCode()).as(set.err()).isZero();
      agentRun(master, "stage1.test");
      // Staging's code changes (as a deploy would change it); production's does not.
      Files.writeString(staging.resolve("site.groovy"), SITE.replace("bye", "staging v2"));

      InProcess current = InProcess.run("preview", "--data", data.toString(),
          "--environment", "staging");

      assertThat(current.exitCode()).as(current.err()).isZero();
      assertThat(current.out()).contains("""
          stage1.test: 1 resource change
            ~ file[/etc/motd]  (site.groovy:2)
                content:
          """).contains("        -staging\n        +staging v2\n")
          .doesNotContain("web1.test")
          .contains("preview of staging (" + staging.toRealPath() + "): 1 node, 1 change, "
              + "0 unchanged");

      Path next = Files.createDirectories(tmp.resolve("next"));
      Files.writeString(next.resolve("site.groovy"), SITE.replace("bye", "staging"));
      InProcess againstDir = InProcess.run("preview", "--data", data.toString(),
          "--environment", "staging", "--code", next.toString());

      assertThat(againstDir.exitCode()).as(againstDir.err()).isZero();
      assertThat(againstDir.out()).doesNotContain("web1.test")
          .contains("preview of staging (" + next + "): 1 node, 0 change, 1 unchanged");

      InProcess unknown = InProcess.run("preview", "--data", data.toString(),
          "--environment", "qa");
      assertThat(unknown.exitCode()).isEqualTo(1);
      assertThat(unknown.err()).contains("the master serves no environment 'qa'")
          .contains(code.resolve("environments/qa").toString());
      InProcess neither = InProcess.run("preview", "--data", data.toString());
      assertThat(neither.exitCode()).isEqualTo(1);
      assertThat(neither.err()).contains("give --code DIR, --environment NAME, or both");
    }
  }

  private void agentRun(Master master, String node) throws Exception {
    Path root = tmp.resolve("root-" + node);
    Files.createDirectories(root.resolve("etc"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    new AgentRun(new AgentOptions(master.address(), node, tmp.resolve("state-" + node), root,
        false, master.caFingerprint(), false, 0)).runOnce(print, print);
    assertThat(Files.readString(root.resolve("etc/motd"))).as(out.toString())
        .startsWith("hello " + node);
  }
}
