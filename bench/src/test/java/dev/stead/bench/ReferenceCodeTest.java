package dev.stead.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.Trusted;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark measures what the issue asks for: the reference code's shape. */
class ReferenceCodeTest {
  @TempDir Path dir;

  @Test
  void hundredResourcesOfTheReferenceShape() throws Exception {
    Compiler compiler = Compiler.forEnvironment(ReferenceCode.write(dir, 100), List.of());
    Catalog debian = compiler.compile("node06", ReferenceCode.facts(6, 42), Trusted.of("node06"));

    assertThat(debian.getResourcesCount()).isEqualTo(100);
    Map<String, Long> byType = debian.getResourcesList().stream()
        .collect(Collectors.groupingBy(Resource::getType, Collectors.counting()));
    assertThat(byType).containsExactlyInAnyOrderEntriesOf(
        Map.of("file", 70L, "pkg", 10L, "service", 10L, "user", 10L));

    Resource conf = find(debian, "/srv/gen6/conf2.conf");
    String content = conf.getParametersMap().get("content").getStringValue();
    assertThat(content).contains("node06.example.com (10.0.0.42)", "Debian 12.5",
        "listen 10.0.0.42:9008", "server 1.pool.ntp.org iburst", "maxpoll 10");
    // per-OS data: the Debian account; per-node data: port 9006 (+ 2 for conf2) for gen6 on node06
    assertThat(conf.getParametersMap().get("owner").getStringValue()).isEqualTo("deb6");

    Catalog redhat = compiler.compile("node03", ReferenceCode.facts(3, 1), Trusted.of("node03"));
    assertThat(find(redhat, "gen1-rpm").getType()).isEqualTo("pkg");
    assertThat(find(redhat, "/srv/gen1/conf2.conf").getParametersMap().get("mode")
        .getStringValue()).isEqualTo("0640");
  }

  private static Resource find(Catalog c, String title) {
    return c.getResourcesList().stream().filter(r -> r.getTitle().equals(title)).findFirst()
        .orElseThrow(() -> new AssertionError("no resource " + title));
  }
}
