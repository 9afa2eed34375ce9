package dev.stead.agent.resource.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostContractTest extends ResourceTypeContract {
  @TempDir Path root;
  private Path hosts;

  @BeforeEach
  void hostsFile() throws Exception {
    hosts = root.resolve("etc/hosts");
    Files.createDirectories(hosts.getParent());
    Files.writeString(hosts, "127.0.0.1\tlocalhost\n# a comment that must stay\n"
        + "::1 localhost ip6-localhost\n");
  }

  @Override
  protected Path root() {
    return root;
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("host", "db.example.com", "ip", "10.0.0.5",
        "aliases", List.of("db", "database")));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(Files.readString(hosts)).isEqualTo("127.0.0.1\tlocalhost\n"
        + "# a comment that must stay\n::1 localhost ip6-localhost\n"
        + "10.0.0.5\tdb.example.com db database\n");
  }

  @Override
  protected void tamper() throws Exception {
    Files.writeString(hosts, Files.readString(hosts).replace("10.0.0.5", "10.9.9.9"));
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(hosts);
  }

  @Override
  protected void cleanUp() {
    // Everything lives under the temporary root.
  }

  /** `ensure absent` removes the entry (every line for the name); the rest stays as it was. */
  @Test
  void ensureAbsentRemovesTheEntryOnly() throws Exception {
    String original = Files.readString(hosts);
    Report made = converge(catalog(), false);
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    Files.writeString(hosts, Files.readString(hosts) + "10.1.1.1 db.example.com # stale\n");

    var absent = Catalogs4Test.catalog()
        .resource(resource("host", "db.example.com", "ensure", "absent")).build();
    Report removed = converge(absent, false);
    assertThat(events(removed)).as(removed.toString()).singleElement()
        .satisfies(e -> assertThat(e.getAfter()).isEqualTo("absent"));
    assertThat(Files.readString(hosts)).isEqualTo(original);

    Report again = converge(absent, false);
    assertThat(again.getResourcesList()).as(again.toString()).isEmpty();
    assertThat(Files.readString(hosts)).isEqualTo(original);
  }
}
