package dev.stead.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Resource;
import dev.stead.types.AutoEdge;
import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.Values;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The edges each type declares in the schema, resolved against what the catalog manages. */
class AutoEdgesTest {
  private static final Set<ResourceKey> MANAGED = Set.of(
      key("file", "/srv"), key("file", "/srv/app"), key("file", "/etc/motd"),
      key("user", "deploy"), key("group", "adm"), key("group", "www-data"),
      key("pkg", "nginx"), key("file", "/etc/php.ini"), key("file", "/srv/fstab"));

  @Test
  void aFileWaitsForItsNearestManagedDirectoryAndItsOwnerAndGroup() {
    assertThat(edges("file", "/srv/app/conf/site.conf", "owner", "deploy", "group", "adm"))
        .containsExactly(key("file", "/srv/app"), key("group", "adm"), key("user", "deploy"));
    assertThat(edges("file", "/srv/app")).containsExactly(key("file", "/srv"));
    assertThat(edges("file", "/opt/x")).isEmpty();
  }

  @Test
  void eachTypeWaitsForWhatItsParametersName() {
    assertThat(edges("service", "nginx")).containsExactly(key("pkg", "nginx"));
    assertThat(edges("user", "deploy", "gid", "www-data", "groups", List.of("adm")))
        .containsExactly(key("group", "adm"), key("group", "www-data"));
    assertThat(edges("exec", "/bin/true", "user", "deploy", "cwd", "/srv/app"))
        .containsExactly(key("file", "/srv/app"), key("user", "deploy"));
    assertThat(edges("cron", "rotate", "user", "deploy")).containsExactly(key("user", "deploy"));
    assertThat(edges("ssh_key", "laptop", "user", "deploy"))
        .containsExactly(key("user", "deploy"));
    assertThat(edges("line", "motd", "path", "/etc/motd"))
        .containsExactly(key("file", "/etc/motd"));
    assertThat(edges("ini_setting", "php memory", "path", "/etc/php.ini"))
        .containsExactly(key("file", "/etc/php.ini"));
    assertThat(edges("mount", "/srv/app", "target", "/srv/fstab"))
        .containsExactlyInAnyOrder(key("file", "/srv/app"), key("file", "/srv/fstab"));
  }

  @Test
  void numericIdsUnmanagedTargetsAndUndeclaredParametersMakeNoEdge() {
    assertThat(edges("file", "/opt/x", "owner", "0", "group", "nobody")).isEmpty();
    assertThat(edges("service", "ssh")).isEmpty();
    // group has no auto-edges: its members do not order it after their users.
    assertThat(edges("group", "adm", "members", List.of("deploy"))).isEmpty();
  }

  @Test
  void everyDeclaredEdgeTargetsAKnownType() {
    for (ResourceTypeSpec spec : ResourceTypes.all()) {
      for (AutoEdge edge : spec.autoEdges()) {
        assertThat(ResourceTypes.find(edge.targetType())).as("%s -> %s", spec.name(), edge)
            .isPresent();
      }
    }
  }

  private static Set<ResourceKey> edges(String type, String title, Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    Resource r = Resource.newBuilder().setType(type).setTitle(title)
        .putAllParameters(Values.ofMap(params)).build();
    return AutoEdges.requiredBy(r, MANAGED);
  }

  private static ResourceKey key(String type, String title) {
    return ResourceKey.of(type, title);
  }
}
