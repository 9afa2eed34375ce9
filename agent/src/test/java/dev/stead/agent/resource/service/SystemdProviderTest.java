package dev.stead.agent.resource.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.InMemoryHost;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Refreshable;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.RunMemo;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Values;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd provider against an in-memory systemctl: no systemd runs as PID 1 on the test
 * machines, so this is the only place it is exercised.
 */
class SystemdProviderTest {
  @TempDir Path root;
  private final Set<String> active = new HashSet<>();
  private final Set<String> enabledUnits = new HashSet<>();

  private final InMemoryHost host = new InMemoryHost(true).on("systemctl", this::systemctl);

  private CommandResult systemctl(Command c) {
    String verb = c.argv().get(1);
    String unit = c.argv().get(c.argv().size() - 1);
    switch (verb) {
      case "show" -> {
        return CommandResult.exit(0, unit.equals("ghost.service") ? "not-found\n" : "loaded\n", "");
      }
      case "is-active" -> {
        return CommandResult.exit(active.contains(unit) ? 0 : 3, "", "");
      }
      case "is-enabled" -> {
        return CommandResult.exit(enabledUnits.contains(unit) ? 0 : 1, "", "");
      }
      case "start", "restart" -> active.add(unit);
      case "stop" -> active.remove(unit);
      case "enable" -> enabledUnits.add(unit);
      case "disable" -> enabledUnits.remove(unit);
      default -> {
        return CommandResult.exit(1, "", "unknown verb " + verb);
      }
    }
    return CommandResult.exit(0, "", "");
  }

  private ApplyContext context() throws Exception {
    return new ApplyContext(new RootedPaths(root), new BackupStore(root.resolve("b")), host,
        new RunMemo());
  }

  private static Checkable service(String name, Map<String, Object> params) throws Exception {
    return new ServiceType().bind(Resource.newBuilder().setType("service").setTitle(name)
        .putAllParameters(Values.ofMap(params)).build());
  }

  @Test
  void startsEnablesThenStaysInSync() throws Exception {
    Checkable nginx = service("nginx", Map.of("ensure", "running", "enable", true));
    Result noop = nginx.checkApply(context(), false);
    assertThat(noop.status()).isEqualTo(Result.Status.WOULD_CHANGE);
    assertThat(active).isEmpty();

    Result applied = nginx.checkApply(context(), true);
    assertThat(applied.changes()).extracting(c -> c.property() + ":" + c.before() + "->"
        + c.after()).containsExactly("ensure:stopped->running", "enable:false->true");
    assertThat(active).containsExactly("nginx.service");
    assertThat(enabledUnits).containsExactly("nginx.service");
    assertThat(nginx.checkApply(context(), true).status()).isEqualTo(Result.Status.IN_SYNC);
  }

  @Test
  void refreshRestartsOnlyARunningService() throws Exception {
    active.add("nginx.service");
    Checkable nginx = service("nginx", Map.of("ensure", "running"));
    assertThat(nginx.checkApply(context(), true).status()).isEqualTo(Result.Status.IN_SYNC);
    assertThat(((Refreshable) nginx).refresh(context()).succeeded()).isTrue();
    assertThat(host.commandLines()).contains("systemctl restart nginx.service");

    Checkable stopped = service("redis", Map.of("ensure", "stopped"));
    ((Refreshable) stopped).refresh(context());
    assertThat(host.commandLines()).doesNotContain("systemctl restart redis.service");
  }

  @Test
  void aMissingUnitFailsNamingIt() throws Exception {
    Result r = service("ghost", Map.of("ensure", "running")).checkApply(context(), true);
    assertThat(r.status()).isEqualTo(Result.Status.FAILED);
    assertThat(r.message()).contains("ghost.service");
  }

  @Test
  void theInitScriptProviderIsUsedWithoutSystemd() throws Exception {
    InMemoryHost sysv = new InMemoryHost(false);
    ApplyContext ctx = new ApplyContext(new RootedPaths(root), new BackupStore(root), sysv,
        new RunMemo());
    Result r = service("nginx", Map.of("ensure", "running")).checkApply(ctx, true);
    assertThat(r.message()).contains("/etc/init.d/nginx");
    assertThat(sysv.commandLines()).noneMatch(l -> l.startsWith("systemctl"));
  }
}
