package dev.stead.agent.resource.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `refreshonly` and `timeout` through the real engine on the real machine: the commands only
 * write under a temporary directory, and the markers they write are what a user would check.
 */
class ExecRefreshAndTimeoutTest {
  @TempDir Path work;
  @TempDir Path state;

  private Report apply(Catalog c) {
    return new Converger(new ConvergeOptions(Path.of("/"), state, false)).converge(c);
  }

  private static Resource exec(String title, Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    return Resource.newBuilder().setType("exec").setTitle(title)
        .putAllParameters(Values.ofMap(params))
        .setSource(SourceLocation.newBuilder().setFile("exec.groovy").setLine(1)).build();
  }

  private static ResourceResult result(Report r, String key) {
    return r.getResourcesList().stream().filter(x -> x.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " not in report " + r));
  }

  private Catalog notifyingCatalog(String content) {
    String conf = work.resolve("app.conf").toString();
    return Catalogs4Test.catalog()
        .file(conf, "content", content)
        .resource(exec("reload app", "command", "echo ran >> " + work.resolve("reloads")
            + "; echo reloaded the app", "refreshonly", true))
        .resource(exec("nobody calls me", "command", "echo ran >> " + work.resolve("orphan"),
            "refreshonly", true))
        .edge("file[" + conf + "]", EdgeKind.NOTIFIES, "exec[reload app]")
        .build();
  }

  @Test
  void refreshonlyRunsOnceWhenNotifiedAndNeverOtherwise() throws Exception {
    Report first = apply(notifyingCatalog("v1\n"));
    assertThat(first.getSummary().getFailed()).as(first.toString()).isZero();
    assertThat(work.resolve("app.conf")).hasContent("v1");
    assertThat(Files.readAllLines(work.resolve("reloads"))).as("ran once").containsExactly("ran");
    assertThat(result(first, "exec[reload app]").getRefreshed()).isTrue();
    assertThat(result(first, "exec[reload app]").getMessage())
        .as("what the refresh printed is in the report")
        .isEqualTo("refresh output: reloaded the app");
    assertThat(work.resolve("orphan")).as("never notified, never run").doesNotExist();

    Report second = apply(notifyingCatalog("v1\n"));
    assertThat(second.getResourcesList()).as("nothing changed: " + second).isEmpty();
    assertThat(Files.readAllLines(work.resolve("reloads"))).as("not run again")
        .containsExactly("ran");
    assertThat(work.resolve("orphan")).doesNotExist();

    Report changed = apply(notifyingCatalog("v2\n"));
    assertThat(result(changed, "exec[reload app]").getRefreshed()).isTrue();
    assertThat(Files.readAllLines(work.resolve("reloads"))).as("a new change runs it again")
        .containsExactly("ran", "ran");
    assertThat(work.resolve("orphan")).doesNotExist();
  }

  @Test
  void commandOverItsTimeoutFailsAndTheRunGoesOn() throws Exception {
    Report r = apply(Catalogs4Test.catalog()
        .resource(exec("slow", "command", "sleep 60; touch " + work.resolve("slow-finished"),
            "timeout", 1L))
        .resource(exec("after slow", "command", "touch " + work.resolve("dependent")))
        .resource(exec("independent", "command", "touch " + work.resolve("independent")))
        .file(work.resolve("independent.conf").toString(), "content", "x\n")
        .edge("exec[after slow]", EdgeKind.REQUIRES, "exec[slow]")
        .build());

    ResourceResult slow = result(r, "exec[slow]");
    assertThat(slow.getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(slow.getMessage()).contains("timed out after 1 s");
    assertThat(work.resolve("slow-finished")).doesNotExist();
    assertThat(result(r, "exec[after slow]").getStatus()).isEqualTo(ResourceStatus.SKIPPED);
    assertThat(work.resolve("dependent")).doesNotExist();
    assertThat(result(r, "exec[independent]").getStatus()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(work.resolve("independent")).exists();
    assertThat(work.resolve("independent.conf")).hasContent("x");
    assertThat(r.getSummary().getFailed()).isEqualTo(1);
  }
}
