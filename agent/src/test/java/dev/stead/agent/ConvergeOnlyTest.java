package dev.stead.agent;

import static dev.stead.agent.Catalogs4Test.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.resource.file.FileSource;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.wire.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Converging part of a catalog, as the daemon's watch does: only the touched resources run,
 * the rest keep their drift history, and noop (the agent's or the resource's) still holds.
 */
class ConvergeOnlyTest {
  private static final ResourceKey A = ResourceKey.of("file", "/etc/a.conf");
  @TempDir Path root;
  @TempDir Path state;

  private static Catalog withB(boolean bNoop) {
    Resource b = catalog().file("/etc/b.conf", "content", "b\n").build().getResources(0)
        .toBuilder().setNoop(bNoop).build();
    return catalog()
        .file("/etc", "ensure", "directory")
        .file("/etc/a.conf", "content", "a\n")
        .resource(b)
        .build();
  }

  private static Report only(Converger converger, Catalog catalog, ResourceKey... keys) {
    return converger.convergeOnly(catalog, Set.of(keys), Progress.NONE,
        NodeSecrets.none(), FileSource.NONE);
  }

  private static ResourceResult result(Report r, String key) {
    return r.getResourcesList().stream().filter(x -> x.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " not in report " + r));
  }

  @Test
  void onlyTheTouchedResourceRunsAndTheOthersKeepTheirHistory() throws Exception {
    Catalog catalog = withB(false);
    Converger converger = new Converger(new ConvergeOptions(root, state, false));
    converger.converge(catalog);
    Files.writeString(root.resolve("etc/a.conf"), "by hand\n");
    Files.writeString(root.resolve("etc/b.conf"), "by hand\n");

    Report watch = only(converger, catalog, A);

    assertThat(watch.getSummary().getResources()).isEqualTo(1);
    assertThat(watch.getResourcesList()).extracting(ResourceResult::getKey)
        .containsExactly("file[/etc/a.conf]");
    assertThat(result(watch, "file[/etc/a.conf]").getEvents(0).getKind())
        .isEqualTo(ChangeKind.DRIFT);
    assertThat(root.resolve("etc/a.conf")).hasContent("a");
    assertThat(root.resolve("etc/b.conf")).hasContent("by hand");

    // b was not checked, so its record of being in sync survived the partial run: the next
    // full run still tells its change as drift, not as an intended first write.
    Report full = converger.converge(catalog);
    assertThat(full.getResourcesList()).extracting(ResourceResult::getKey)
        .containsExactly("file[/etc/b.conf]");
    assertThat(result(full, "file[/etc/b.conf]").getEvents(0).getKind())
        .isEqualTo(ChangeKind.DRIFT);
  }

  @Test
  void aListenerHearsOfEachResourceAsItFinishes() throws Exception {
    Catalog catalog = withB(false);
    Converger converger = new Converger(new ConvergeOptions(root, state, false));
    List<String> heard = new CopyOnWriteArrayList<>();
    converger.onFinished(o -> heard.add(o.key() + " " + o.result().status()
        + (Files.exists(root.resolve("etc/a.conf")) ? " a-written" : "")));
    converger.converge(catalog);
    assertThat(heard).containsExactly("file[/etc] CHANGED", "file[/etc/a.conf] CHANGED a-written",
        "file[/etc/b.conf] CHANGED a-written");
    heard.clear();
    Files.writeString(root.resolve("etc/a.conf"), "by hand\n");
    only(converger, catalog, A);
    assertThat(heard).containsExactly("file[/etc/a.conf] CHANGED a-written");
  }

  @Test
  void theAgentsNoopHolds() throws Exception {
    Catalog catalog = withB(false);
    new Converger(new ConvergeOptions(root, state, false)).converge(catalog);
    Files.writeString(root.resolve("etc/a.conf"), "by hand\n");

    Report watch = only(new Converger(new ConvergeOptions(root, state, true)), catalog, A);

    assertThat(result(watch, "file[/etc/a.conf]").getStatus())
        .isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(root.resolve("etc/a.conf")).hasContent("by hand");
  }

  @Test
  void aResourcesNoopHolds() throws Exception {
    Catalog catalog = withB(true);
    Converger converger = new Converger(new ConvergeOptions(root, state, false));
    converger.converge(catalog);
    Files.writeString(root.resolve("etc/b.conf"), "by hand\n");

    Report watch = only(converger, catalog, ResourceKey.of("file", "/etc/b.conf"));

    assertThat(result(watch, "file[/etc/b.conf]").getStatus())
        .isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(root.resolve("etc/b.conf")).hasContent("by hand");
  }

  @Test
  void aDependencyOutsideTheSubsetDoesNotHoldItBack() throws Exception {
    Catalog catalog = withB(false);
    Converger converger = new Converger(new ConvergeOptions(root, state, false));
    converger.converge(catalog);
    Files.delete(root.resolve("etc/a.conf"));

    Report watch = only(converger, catalog, A); // file[/etc] is required, and not run

    assertThat(result(watch, "file[/etc/a.conf]").getStatus()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(root.resolve("etc/a.conf")).hasContent("a");
  }
}
