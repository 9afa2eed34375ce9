package dev.stead.agent.resource;

import dev.stead.agent.resource.account.GroupType;
import dev.stead.agent.resource.archive.ArchiveType;
import dev.stead.agent.resource.account.UserType;
import dev.stead.agent.resource.cron.CronType;
import dev.stead.agent.resource.exec.ExecType;
import dev.stead.agent.resource.file.FileType;
import dev.stead.agent.resource.firewall.FirewallType;
import dev.stead.agent.resource.hosts.HostType;
import dev.stead.agent.resource.ini.IniSettingType;
import dev.stead.agent.resource.line.LineType;
import dev.stead.agent.resource.mount.MountType;
import dev.stead.agent.resource.notify.NotifyType;
import dev.stead.agent.resource.pkg.PkgType;
import dev.stead.agent.resource.service.ServiceType;
import dev.stead.agent.resource.sshkey.SshKeyType;
import dev.stead.agent.resource.sysctl.SysctlType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The resource types this agent can converge, registered explicitly (no class-path scanning)
 * so the set is visible in one place and a test can hold it against
 * {@code ResourceTypes.all()}. Immutable and thread-safe.
 */
public final class ResourceTypeRegistry {
  private final Map<String, ResourceType> types;

  private ResourceTypeRegistry(List<ResourceType> list) {
    Map<String, ResourceType> map = new TreeMap<>();
    for (ResourceType type : list) {
      if (map.put(type.name(), type) != null) {
        throw new IllegalStateException("resource type registered twice: " + type.name());
      }
    }
    this.types = Collections.unmodifiableMap(map);
  }

  /** Every type the agent ships. */
  public static ResourceTypeRegistry standard() {
    return new ResourceTypeRegistry(List.of(new FileType(), new PkgType(), new ServiceType(),
        new UserType(), new GroupType(), new SshKeyType(), new ExecType(), new CronType(),
        new HostType(), new LineType(), new SysctlType(), new NotifyType(),
        new IniSettingType(), new MountType(), new FirewallType(), new ArchiveType()));
  }

  /** Exactly {@code types} (tests and embedders); fails on a name registered twice. */
  public static ResourceTypeRegistry of(List<ResourceType> types) {
    return new ResourceTypeRegistry(List.copyOf(types));
  }

  public Optional<ResourceType> find(String name) {
    return Optional.ofNullable(types.get(name));
  }

  /** Type names, sorted. */
  public List<String> names() {
    return List.copyOf(types.keySet());
  }
}
