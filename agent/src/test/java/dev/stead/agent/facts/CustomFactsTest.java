package dev.stead.agent.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomFactsTest {
  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private Map<String, Object> load(Duration timeout) {
    return CustomFacts.load(dir, timeout, warnings::add);
  }

  private void script(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    p.toFile().setExecutable(true);
  }

  @Test
  void readsYamlJsonTextAndExecutables() throws Exception {
    Files.writeString(dir.resolve("10-site.yaml"), "datacenter: fra1\nroles: [web, cache]\n"
        + "limits:\n  conns: 100\n");
    Files.writeString(dir.resolve("20-app.json"), "{\"app\": {\"version\": \"1.2\"}, \"debug\": false}");
    Files.writeString(dir.resolve("30-team.txt"), "# owners\nteam = payments\n");
    script("40-json", "echo '{\"rack\": \"r12\", \"slots\": 4}'");
    script("50-kv", "echo owner=ops; echo tier=gold");
    Files.writeString(dir.resolve("README"), "not a fact file");

    Map<String, Object> f = load(Duration.ofSeconds(10));
    assertThat(warnings).isEmpty();
    assertThat(f).containsEntry("datacenter", "fra1")
        .containsEntry("roles", List.of("web", "cache"))
        .containsEntry("limits", Map.of("conns", 100))
        .containsEntry("app", Map.of("version", "1.2"))
        .containsEntry("debug", false)
        .containsEntry("team", "payments")
        .containsEntry("rack", "r12").containsEntry("slots", 4)
        .containsEntry("owner", "ops").containsEntry("tier", "gold")
        .hasSize(10);
  }

  @Test
  void laterFilesWinAndBrokenOnesAreSkippedWithAWarning() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "color: red\n");
    Files.writeString(dir.resolve("b.yaml"), "color: blue\n");
    Files.writeString(dir.resolve("c.yaml"), "- just\n- a list\n");
    Files.writeString(dir.resolve("d.json"), "{broken");
    script("e-fails", "exit 3");
    script("f-garbage", "echo 'no equals sign here'");
    Map<String, Object> f = load(Duration.ofSeconds(10));
    assertThat(f).containsOnly(Map.entry("color", "blue"));
    assertThat(warnings).hasSize(4);
    assertThat(warnings.get(0)).contains("c.yaml").contains("expected a mapping");
    assertThat(warnings.get(1)).contains("d.json").contains("not valid YAML/JSON");
    assertThat(warnings.get(2)).contains("e-fails").contains("exited with status 3");
    assertThat(warnings.get(3)).contains("f-garbage").contains("line 1 is not name=value");
  }

  @Test
  void aHungExecutableIsKilledAtTheTimeLimit() throws Exception {
    script("slow", "sleep 30; echo late=1");
    long start = System.nanoTime();
    Map<String, Object> f = load(Duration.ofMillis(500));
    assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    assertThat(f).isEmpty();
    assertThat(warnings).singleElement().asString().contains("slow").contains("killed");
  }

  @Test
  void aMissingDirectoryIsNoFacts() {
    assertThat(CustomFacts.load(dir.resolve("nope"), Duration.ofSeconds(1), warnings::add))
        .isEmpty();
    assertThat(warnings).isEmpty();
  }
}
