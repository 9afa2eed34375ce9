package dev.stead.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Progress;
import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.Values;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine with probe resources: automatic edges, refresh, noop notes, the guard. */
class TransactionTest {
  @TempDir Path root;
  @TempDir Path state;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<Resource> resources = new ArrayList<>();
  private final List<Edge> edges = new ArrayList<>();

  private ResourceTypeRegistry registry() {
    List<ResourceType> types = new ArrayList<>();
    for (String t : List.of("file", "user", "group", "pkg", "service", "exec", "probe")) {
      types.add(new ProbeType(t, log));
    }
    return ResourceTypeRegistry.of(types);
  }

  private TransactionTest add(String type, String title, Object... params) {
    Map<String, Object> p = new LinkedHashMap<>();
    for (int i = 0; i < params.length; i += 2) {
      p.put((String) params[i], params[i + 1]);
    }
    resources.add(Resource.newBuilder().setType(type).setTitle(title)
        .putAllParameters(Values.ofMap(p)).build());
    return this;
  }

  private TransactionTest edge(String source, EdgeKind kind, String target) {
    edges.add(Edge.newBuilder().setSource(source).setKind(kind).setTarget(target).build());
    return this;
  }

  private Catalog catalog() {
    return Catalogs.seal(Catalog.newBuilder().setNode("n").addAllResources(resources)
        .addAllEdges(edges).build());
  }

  private ResourceGraph graph() {
    return ResourceGraph.build(catalog(), registry());
  }

  private List<Outcome> run(boolean noop, Duration timeout) throws IOException {
    ApplyContext context = new ApplyContext(new RootedPaths(root),
        new BackupStore(state.resolve("backup")));
    return new Transaction(graph(), context, noop, timeout, Progress.NONE).run();
  }

  private List<Outcome> run(boolean noop) throws IOException {
    return run(noop, Duration.ofSeconds(30));
  }

  private static Outcome outcome(List<Outcome> all, String key) {
    return all.stream().filter(o -> o.key().toString().equals(key)).findFirst().orElseThrow();
  }

  private static List<String> keys(List<Outcome> all) {
    return all.stream().map(o -> o.key().toString()).toList();
  }

  @Test
  void managedOwnerGroupAndPackageComeFirst() {
    add("file", "/a", "owner", "zed", "group", "staff")
        .add("user", "zed").add("group", "staff")
        .add("service", "nginx").add("pkg", "nginx")
        .add("file", "/b", "owner", "root")      // root is not managed: no edge
        .add("file", "/c", "owner", "0")         // numeric: never a name
        .add("exec", "run", "user", "zed");
    ResourceGraph g = graph();
    assertThat(g.dependencies(ResourceKey.parse("file[/a]")))
        .containsExactly(ResourceKey.parse("group[staff]"), ResourceKey.parse("user[zed]"));
    assertThat(g.dependencies(ResourceKey.parse("service[nginx]")))
        .containsExactly(ResourceKey.parse("pkg[nginx]"));
    assertThat(g.dependencies(ResourceKey.parse("file[/b]"))).isEmpty();
    assertThat(g.dependencies(ResourceKey.parse("file[/c]"))).isEmpty();
    assertThat(g.dependencies(ResourceKey.parse("exec[run]")))
        .containsExactly(ResourceKey.parse("user[zed]"));
    List<String> order = g.order().stream().map(Object::toString).toList();
    assertThat(order.indexOf("user[zed]")).isLessThan(order.indexOf("file[/a]"));
    assertThat(order.indexOf("group[staff]")).isLessThan(order.indexOf("file[/a]"));
  }

  @Test
  void serviceWithoutManagedPackageHasNoEdge() {
    add("service", "cron");
    assertThat(graph().dependencies(ResourceKey.parse("service[cron]"))).isEmpty();
  }

  @Test
  void twoChangedNotifiersRefreshOnce() throws IOException {
    add("probe", "conf1", "state", "change").add("probe", "conf2", "state", "change")
        .add("probe", "quiet").add("service", "app")
        .edge("probe[conf1]", EdgeKind.NOTIFIES, "service[app]")
        .edge("service[app]", EdgeKind.SUBSCRIBES, "probe[conf2]")
        .edge("probe[quiet]", EdgeKind.NOTIFIES, "service[app]");
    List<Outcome> out = run(false);
    assertThat(log.stream().filter(l -> l.startsWith("refresh:"))).containsExactly(
        "refresh:service[app]");
    assertThat(outcome(out, "service[app]").refreshed()).isTrue();
    assertThat(log.indexOf("refresh:service[app]"))
        .isGreaterThan(log.indexOf("check:probe[conf2]:apply"));
  }

  @Test
  void unchangedNotifierRefreshesNothing() throws IOException {
    add("probe", "conf").add("service", "app")
        .edge("probe[conf]", EdgeKind.NOTIFIES, "service[app]");
    List<Outcome> out = run(false);
    assertThat(log).noneMatch(l -> l.startsWith("refresh:"));
    assertThat(outcome(out, "service[app]").refreshed()).isFalse();
  }

  @Test
  void noopSaysWhatRestsOnAWouldBeChange() throws IOException {
    add("probe", "dir", "state", "change").add("probe", "file", "state", "fail")
        .add("probe", "after").add("service", "app").add("probe", "alone")
        .edge("probe[file]", EdgeKind.REQUIRES, "probe[dir]")
        .edge("probe[after]", EdgeKind.REQUIRES, "probe[dir]")
        .edge("probe[dir]", EdgeKind.NOTIFIES, "service[app]");
    List<Outcome> out = run(true);
    assertThat(log).noneMatch(l -> l.endsWith(":apply") || l.startsWith("refresh:"));
    assertThat(outcome(out, "probe[file]").note())
        .contains("probe[dir] would change first");
    assertThat(outcome(out, "probe[after]").note())
        .contains("probe[dir] would change first");
    assertThat(outcome(out, "service[app]").note())
        .contains("would be refreshed, notified by probe[dir]");
    assertThat(outcome(out, "probe[alone]").note()).isEmpty();

    Report report = ReportAssembler.assemble(catalog(), out, DriftState.empty(), true, 0, 0);
    assertThat(report.getResourcesList()).anySatisfy(r -> {
      assertThat(r.getKey()).isEqualTo("probe[after]");
      assertThat(r.getMessage()).contains("would change first");
    });
    assertThat(report.getResourcesList()).anySatisfy(r -> {
      assertThat(r.getKey()).isEqualTo("probe[file]");
      assertThat(r.getMessage()).startsWith("probe failure (noop: probe[dir]");
    });
  }

  @Test
  void noopNoteIsTransitive() throws IOException {
    add("probe", "a", "state", "change").add("probe", "b").add("probe", "c")
        .edge("probe[b]", EdgeKind.REQUIRES, "probe[a]")
        .edge("probe[c]", EdgeKind.REQUIRES, "probe[b]");
    assertThat(outcome(run(true), "probe[c]").note()).contains("probe[a] would change first");
  }

  @Test
  void hungResourceTimesOutDependentsSkipTheRestRuns() throws IOException {
    add("probe", "hung", "state", "hang").add("probe", "needs-hung").add("probe", "other")
        .edge("probe[needs-hung]", EdgeKind.REQUIRES, "probe[hung]");
    List<Outcome> out = run(false, Duration.ofMillis(300));
    Outcome hung = outcome(out, "probe[hung]");
    assertThat(hung.result().status()).isEqualTo(Result.Status.FAILED);
    assertThat(hung.result().message()).startsWith("timed out after 300 ms and was abandoned");
    Outcome dependent = outcome(out, "probe[needs-hung]");
    assertThat(dependent.result().status()).isEqualTo(Result.Status.SKIPPED);
    assertThat(dependent.result().message()).isEqualTo("dependency probe[hung] failed");
    assertThat(outcome(out, "probe[other]").result().status()).isEqualTo(Result.Status.IN_SYNC);
    assertThat(keys(out)).hasSize(3).doesNotHaveDuplicates();
    assertThat(log).contains("interrupted:probe[hung]");
  }

  @Test
  void exceptionFailsTheResourceAndSkipsDependents() throws IOException {
    add("probe", "bug", "state", "throw").add("probe", "child").add("probe", "z")
        .edge("probe[child]", EdgeKind.REQUIRES, "probe[bug]");
    List<Outcome> out = run(false);
    assertThat(outcome(out, "probe[bug]").result().message())
        .contains("internal error in probe").contains("probe bug");
    assertThat(outcome(out, "probe[child]").result().status()).isEqualTo(Result.Status.SKIPPED);
    assertThat(outcome(out, "probe[z]").result().status()).isEqualTo(Result.Status.IN_SYNC);
  }
}
