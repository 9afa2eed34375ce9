package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import groovy.json.JsonSlurper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stead facts}: what the agent would send, read by dotted path, listed, as JSON. */
class FactsCommandTest {
  @TempDir static Path factsDir;

  @BeforeAll
  static void customFact() throws Exception {
    Files.writeString(factsDir.resolve("site.txt"), "site_role=web-frontend\n");
  }

  private static InProcess facts(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "facts";
    all[1] = "--facts-dir";
    all[2] = factsDir.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return InProcess.run(all);
  }

  @Test
  void theListingShowsThisMachinesHostnameOsFamilyAndCustomFacts() throws Exception {
    InProcess run = facts();
    assertThat(run.exitCode()).as(run.err()).isZero();
    String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim()
        .split("\\.")[0];
    assertThat(run.out())
        .contains("networking.hostname = \"" + hostname + "\"")
        .contains("site_role = \"web-frontend\"")
        .containsPattern("(?m)^os\\.family = \"\\w+\"$");
  }

  @Test
  void aPathPrintsJustThatValueAsOsReleaseSays() throws Exception {
    InProcess run = facts("os.family");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> distro = osReleaseIds();
    assertThat(distro).contains(run.out().strip().toLowerCase(Locale.ROOT));
    assertThat(facts("site_role").out().strip()).isEqualTo("web-frontend");
  }

  @Test
  void jsonParsesAndHoldsTheSubtree() {
    InProcess run = facts("--json", "os");
    assertThat(run.exitCode()).as(run.err()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> os = (Map<String, Object>) new JsonSlurper().parseText(run.out());
    assertThat(os).containsKeys("family", "name", "release");
    @SuppressWarnings("unchecked")
    Map<String, Object> all = (Map<String, Object>) new JsonSlurper()
        .parseText(facts("--json").out());
    assertThat(all).containsEntry("site_role", "web-frontend").containsKey("networking");
  }

  @Test
  void anUnknownPathFailsNamingIt() {
    InProcess run = facts("os.flavour");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("no fact os.flavour").contains("os has: family");
  }

  /** ID and ID_LIKE of /etc/os-release, lower case: one of them names the family. */
  private static List<String> osReleaseIds() throws Exception {
    return Files.readAllLines(Path.of("/etc/os-release")).stream()
        .filter(l -> l.startsWith("ID=") || l.startsWith("ID_LIKE="))
        .flatMap(l -> Arrays.stream(l.substring(l.indexOf('=') + 1).replace("\"", "")
            .split("\\s+")))
        .map(s -> s.toLowerCase(Locale.ROOT))
        .toList();
  }
}
