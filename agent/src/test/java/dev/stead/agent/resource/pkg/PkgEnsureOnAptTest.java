package dev.stead.agent.resource.pkg;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Values;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latest}, a pinned version, {@code absent} and {@code purged} against the real apt
 * and dpkg with Debian's {@code hello} (needs root and a candidate for hello; removes it
 * afterwards, and refuses to run when hello was installed before).
 */
class PkgEnsureOnAptTest {
  @TempDir Path state;
  private String candidate;

  @BeforeEach
  void hello() {
    assumeRootWith("apt-get", "apt-cache", "dpkg-query");
    assumeTrue(!installed(), "hello is installed already; this test will not remove a package"
        + " it did not add");
    // `apt-cache madison` lists the versions the mirror offers; the first is the candidate.
    String madison = sh("apt-cache madison hello").stdout();
    assumeTrue(!madison.isBlank(), "no version of hello is available (run apt-get update;"
        + " needs the Debian mirror)");
    candidate = madison.lines().findFirst().orElseThrow().split("\\|")[1].strip();
  }

  @AfterEach
  void purge() {
    if (candidate != null) {
      sh("DEBIAN_FRONTEND=noninteractive apt-get purge -y -q hello");
    }
  }

  private static boolean installed() {
    return sh("dpkg-query -W -f '${db:Status-Abbrev}' hello 2>/dev/null | grep -q '^ii'").ok();
  }

  private static String installedVersion() {
    return sh("dpkg-query -W -f '${Version}' hello").stdout();
  }

  private Report converge(String ensure) {
    Resource hello = Resource.newBuilder().setType("pkg").setTitle("hello")
        .putAllParameters(Values.ofMap(Map.of("ensure", ensure)))
        .setSource(SourceLocation.newBuilder().setFile("site.groovy").setLine(3)).build();
    return new Converger(new ConvergeOptions(Path.of("/"), state, false))
        .converge(Catalogs4Test.catalog().resource(hello).build());
  }

  private static List<Event> events(Report r) {
    return r.getResourcesList().stream().flatMap(x -> x.getEventsList().stream()).toList();
  }

  /**
   * One walk through the states, since every apt-get call costs seconds: a pinned version,
   * then {@code latest} (in sync: the pin is the candidate), {@code absent}, {@code latest}
   * again (installs the candidate), {@code purged}; each followed by a run that changes
   * nothing.
   */
  @Test
  void pinnedLatestAbsentAndPurgedConvergeOnTheRealApt() {
    Report pinned = converge(candidate);
    assertThat(pinned.getResources(0).getStatus()).as(pinned.toString())
        .isEqualTo(ResourceStatus.CHANGED);
    assertThat(events(pinned).get(0).getBefore()).isEqualTo("absent");
    assertThat(events(pinned).get(0).getAfter()).isEqualTo(candidate);
    assertThat(installedVersion()).isEqualTo(candidate);
    assertThat(sh("hello").stdout()).isEqualTo("Hello, world!\n");
    assertQuiet(converge(candidate));
    assertQuiet(converge("latest"));

    Report removed = converge("absent");
    assertThat(events(removed)).singleElement().satisfies(e -> {
      assertThat(e.getBefore()).isEqualTo(candidate);
      assertThat(e.getAfter()).isEqualTo("absent");
    });
    assertThat(installed()).isFalse();
    assertThat(sh("command -v hello").ok()).as("/usr/bin/hello is gone").isFalse();
    assertQuiet(converge("absent"));

    Report latest = converge("latest");
    assertThat(events(latest)).as(latest.toString()).singleElement().satisfies(e -> {
      assertThat(e.getBefore()).isEqualTo("absent");
      assertThat(e.getAfter()).isEqualTo("latest");
    });
    assertThat(installedVersion()).isEqualTo(candidate);
    assertQuiet(converge("latest"));

    Report purged = converge("purged");
    assertThat(events(purged)).singleElement().satisfies(e -> {
      assertThat(e.getBefore()).isEqualTo(candidate);
      assertThat(e.getAfter()).isEqualTo("purged");
    });
    // dpkg forgets a purged package entirely: no status, no file list.
    assertThat(sh("dpkg-query -W -f '${db:Status-Abbrev}' hello 2>/dev/null").stdout().strip())
        .isIn("", "un");
    assertThat(Path.of("/var/lib/dpkg/info/hello.list")).doesNotExist();
    assertQuiet(converge("purged"));
  }

  private static void assertQuiet(Report r) {
    assertThat(events(r)).as(r.toString()).isEmpty();
    assertThat(r.getSummary().getFailed()).as(r.toString()).isZero();
  }
}
