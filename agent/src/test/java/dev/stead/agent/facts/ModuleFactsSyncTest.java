package dev.stead.agent.facts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.FactCollector;
import dev.stead.agent.resource.file.FileSource;
import dev.stead.proto.v1.ModuleFact;
import dev.stead.wire.SourceFiles;
import dev.stead.wire.Values;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's copy of module facts follows the catalog: new and changed files fetched, the
 * rest left alone, unlisted ones removed, a failed fetch keeping what was there. The files
 * come from a module directory on disk standing in for the master (the real master is in
 * the end-to-end test).
 */
class ModuleFactsSyncTest {
  @TempDir Path tmp;
  private final List<String> fetched = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private FileSource fromModules() {
    return (source, checksum, out) -> {
      fetched.add(source);
      Path file = tmp.resolve("modules").resolve(source);
      if (!Files.exists(file)) {
        throw new IOException("NOT_FOUND from the master");
      }
      out.write(Files.readAllBytes(file));
    };
  }

  private ModuleFact fact(String module, String name, String text, boolean executable)
      throws IOException {
    Path file = tmp.resolve("modules").resolve(module).resolve("facts.d").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return ModuleFact.newBuilder().setModule(module).setName(name)
        .setChecksum(SourceFiles.checksum(text.getBytes(StandardCharsets.UTF_8)))
        .setExecutable(executable).build();
  }

  private List<String> sync(List<ModuleFact> facts) {
    return new ModuleFactsSync(tmp.resolve("state/facts.d"), fromModules())
        .sync(facts, warnings::add);
  }

  @Test
  void followsTheCatalogFetchingOnlyWhatDiffers() throws Exception {
    ModuleFact window = fact("patching", "window.yaml", "patch_window: sunday\n", false);
    ModuleFact pending = fact("patching", "pending", "#!/bin/sh\necho pending=1\n", true);
    ModuleFact rack = fact("inventory", "rack.txt", "rack=r12\n", false);
    assertThat(sync(List.of(window, pending, rack)))
        .containsExactly("inventory/rack.txt", "patching/window.yaml", "patching/pending");
    Path dir = tmp.resolve("state/facts.d");
    assertThat(Files.isExecutable(dir.resolve("patching/pending"))).isTrue();

    fetched.clear();
    assertThat(sync(List.of(window, pending, rack))).as("all in place").isEmpty();
    assertThat(fetched).isEmpty();

    // Edited by hand on the node: put back; a module dropped from the catalog: removed.
    Files.writeString(dir.resolve("patching/window.yaml"), "patch_window: never\n");
    Files.writeString(dir.resolve("patching/stray.txt"), "stray=1\n");
    assertThat(sync(List.of(window, pending))).containsExactly("patching/window.yaml");
    assertThat(dir.resolve("patching/window.yaml")).hasContent("patch_window: sunday\n");
    assertThat(dir.resolve("patching/stray.txt")).doesNotExist();
    assertThat(dir.resolve("inventory")).doesNotExist();
    assertThat(warnings).isEmpty();

    // And the collector reads what is installed, the machine's own facts winning.
    Files.createDirectories(tmp.resolve("own"));
    Files.writeString(tmp.resolve("own/site.yaml"), "patch_window: monday\n");
    Map<String, Object> facts = Values.toJavaMap(FactCollector.collect("n1",
        tmp.resolve("own"), dir, w -> { }, null).getValuesMap());
    assertThat(facts).containsEntry("pending", "1").containsEntry("patch_window", "monday");
  }

  @Test
  void aFailedFetchWarnsAndKeepsTheInstalledFile() throws Exception {
    ModuleFact v1 = fact("patching", "window.yaml", "patch_window: sunday\n", false);
    sync(List.of(v1));
    ModuleFact v2 = v1.toBuilder()
        .setChecksum(SourceFiles.checksum("patch_window: saturday\n".getBytes())).build();
    assertThat(sync(List.of(v2))).isEmpty();
    assertThat(warnings).singleElement().asString().startsWith(
        "module fact patching/window.yaml not updated: received sha256:");
    Path dir = tmp.resolve("state/facts.d/patching");
    assertThat(dir.resolve("window.yaml")).hasContent("patch_window: sunday\n");
    try (var left = Files.list(dir)) {
      assertThat(left).as("no partial file left").hasSize(1);
    }
  }

  @Test
  void namesThatCouldLeaveTheDirectoryAreRefused() throws Exception {
    ModuleFact bad = ModuleFact.newBuilder().setModule("..").setName("passwd")
        .setChecksum("sha256:" + "a".repeat(64)).build();
    assertThat(sync(List.of(bad))).isEmpty();
    assertThat(warnings).singleElement().asString().contains("module fact ../passwd skipped");
    assertThat(fetched).isEmpty();
  }
}
