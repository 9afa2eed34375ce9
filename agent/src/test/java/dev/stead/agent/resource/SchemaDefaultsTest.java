package dev.stead.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Resource;
import dev.stead.types.ParameterSpec;
import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import dev.stead.types.Validators;
import dev.stead.wire.Values;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's types take defaults, required parameters and value rules from the schema the
 * compiler uses, and write none of their own: a resource with a defaulted parameter left out
 * binds exactly as one that spells the schema's default out.
 */
class SchemaDefaultsTest {
  private static final String KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIGVkMjU1MTktdGVzdC1rZXktbWF0ZXJpYWw";

  /** A title and the parameters each type needs to bind; no defaulted parameter among them. */
  private static final Map<String, Resource> MINIMAL = Map.ofEntries(
      minimal("file", "/srv/app.conf"),
      minimal("pkg", "curl"),
      minimal("service", "ssh"),
      minimal("user", "alice"),
      minimal("group", "staff"),
      minimal("ssh_key", "laptop", "user", "alice", "key", KEY),
      minimal("exec", "/bin/true"),
      minimal("cron", "rotate", "command", "/usr/sbin/logrotate"),
      minimal("host", "db.example", "ip", "10.0.0.7"),
      minimal("line", "motd", "path", "/etc/motd", "line", "hello"),
      minimal("sysctl", "net.ipv4.ip_forward", "value", "1"),
      minimal("notify", "hello"),
      minimal("ini_setting", "php memory", "path", "/etc/php.ini", "section", "PHP",
          "setting", "memory_limit", "value", "256M"),
      minimal("mount", "/mnt/data", "device", "/dev/sdb1", "fstype", "ext4"),
      minimal("firewall", "stead", "ruleset", "chain input {\n}\n"),
      minimal("archive", "/var/cache/app.tgz", "source", "app/app.tgz", "checksum",
          "sha256:" + "0".repeat(64), "extract_path", "/opt"));

  private final ResourceTypeRegistry registry = ResourceTypeRegistry.standard();

  @Test
  void everyTypeBindsAnUnsetParameterAsItsSchemaDefault() throws Exception {
    assertThat(MINIMAL.keySet()).containsExactlyInAnyOrderElementsOf(registry.names());
    int compared = 0;
    for (ResourceTypeSpec spec : ResourceTypes.all()) {
      Resource minimal = MINIMAL.get(spec.name());
      ResourceType type = registry.find(spec.name()).orElseThrow();
      for (ParameterSpec p : spec.parameters()) {
        if (p.defaultValue() == null && !p.defaultsToTitle()) {
          continue;
        }
        Object value = p.defaultsToTitle() ? minimal.getTitle() : p.defaultValue();
        Resource spelled = minimal.toBuilder().putParameters(p.name(), Values.of(value)).build();
        assertThat(type.bind(minimal))
            .as("%s with %s unset, against %s => %s", spec.name(), p.name(), p.name(), value)
            .usingRecursiveComparison()
            .isEqualTo(type.bind(spelled));
        compared++;
      }
    }
    assertThat(compared).as("defaulted parameters compared").isGreaterThanOrEqualTo(24);
  }

  @Test
  void aDifferentValueBindsDifferently() throws Exception {
    // Guards the comparison above against passing for everything.
    Resource minimal = MINIMAL.get("cron");
    ResourceType cron = registry.find("cron").orElseThrow();
    Resource other = minimal.toBuilder().putParameters("minute", Values.of("5")).build();
    assertThat(cron.bind(minimal)).usingRecursiveComparison().isNotEqualTo(cron.bind(other));
  }

  @Test
  void theAgentRefusesWhatTheCompilerRefusesWithTheSameRule() {
    assertThatThrownBy(() -> bind("cron", MINIMAL.get("cron"), "minute", "60"))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessage("`minute` " + Validators.CRON_MINUTE.problem("60") + ", got `60`");
    assertThatThrownBy(() -> bind("exec", MINIMAL.get("exec"), "user", "Root"))
        .hasMessage("`user` " + Validators.USER_NAME.problem("Root") + ", got `Root`");
    assertThatThrownBy(() -> bind("group", MINIMAL.get("group"), "members", List.of("9lives")))
        .hasMessage("`members` " + Validators.USER_NAME.problem("9lives") + ", got `9lives`");
    assertThatThrownBy(() -> bind("file", MINIMAL.get("file"), "mode", "4755"))
        .hasMessage("`mode` " + Validators.FILE_MODE.problem("4755") + ", got `4755`");
    assertThatThrownBy(() -> registry.find("user").orElseThrow()
        .bind(MINIMAL.get("user").toBuilder().setTitle("Bad Name").build()))
        .hasMessage("the title " + Validators.USER_NAME.problem("Bad Name")
            + ", got `Bad Name`");
  }

  @Test
  void theAgentRefusesAMissingRequiredParameter() {
    Resource noKey = MINIMAL.get("ssh_key").toBuilder().removeParameters("key").build();
    assertThatThrownBy(() -> registry.find("ssh_key").orElseThrow().bind(noKey))
        .hasMessage("`key` is required");
    Resource noIp = MINIMAL.get("host").toBuilder().removeParameters("ip").build();
    assertThatThrownBy(() -> registry.find("host").orElseThrow().bind(noIp))
        .hasMessage("`ip` is required when ensure is present");
  }

  @Test
  void absentNeedsNoParameterRequiredWhenPresent() throws Exception {
    Resource gone = MINIMAL.get("host").toBuilder().removeParameters("ip")
        .putParameters("ensure", Values.of("absent")).build();
    assertThat(registry.find("host").orElseThrow().bind(gone)).isNotNull();
  }

  private Checkable bind(String type, Resource base, String parameter, Object value)
      throws InvalidResourceException {
    return registry.find(type).orElseThrow()
        .bind(base.toBuilder().putParameters(parameter, Values.of(value)).build());
  }

  private static Map.Entry<String, Resource> minimal(String type, String title,
      Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    return Map.entry(type, Resource.newBuilder().setType(type).setTitle(title)
        .putAllParameters(Values.ofMap(params)).build());
  }
}
