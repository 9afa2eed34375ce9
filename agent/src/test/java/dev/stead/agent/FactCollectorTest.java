package dev.stead.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.facts.OsRelease;
import dev.stead.wire.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactCollectorTest {
  @Test
  @SuppressWarnings("unchecked")
  void collectsTheBasicFactsUnderFacterNames() {
    Map<String, Object> facts = Values.toJavaMap(FactCollector.collect("n1").getValuesMap());
    assertThat(facts).containsKeys("os", "kernel", "processors", "networking", "identity");
    assertThat(facts.get("clientcert")).isEqualTo("n1");
    Map<String, Object> processors = (Map<String, Object>) facts.get("processors");
    assertThat((Long) processors.get("count")).isPositive();
    Map<String, Object> networking = (Map<String, Object>) facts.get("networking");
    assertThat((String) networking.get("hostname")).isNotEmpty().doesNotContain(".");
    assertThat((String) networking.get("fqdn")).startsWith((String) networking.get("hostname"));
    Map<String, Object> os = (Map<String, Object>) facts.get("os");
    assertThat(os).containsKeys("family", "name", "release");
  }

  @Test
  void readsDebianLikeSystems(@TempDir Path dir) throws IOException {
    Path osRelease = Files.writeString(dir.resolve("os-release"),
        "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\n");
    OsRelease os = OsRelease.read(osRelease, dir.resolve("none"));
    assertThat(os).isEqualTo(new OsRelease("Debian", "Ubuntu", "22.04", "22"));

    Path debian = Files.writeString(dir.resolve("os-release2"), "ID=debian\nVERSION_ID=\"12\"\n");
    Path version = Files.writeString(dir.resolve("debian_version"), "12.5\n");
    assertThat(OsRelease.read(debian, version)).isEqualTo(new OsRelease("Debian", "Debian",
        "12.5", "12"));
  }
}
