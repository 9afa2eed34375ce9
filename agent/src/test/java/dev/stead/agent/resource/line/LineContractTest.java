package dev.stead.agent.resource.line;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineContractTest extends ResourceTypeContract {
  @TempDir Path root;
  private Path config;

  @BeforeEach
  void configFile() throws Exception {
    config = root.resolve("etc/ssh/sshd_config");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "Port 22\n#PermitRootLogin prohibit-password\nUsePAM yes\n");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
  }

  @Override
  protected Path root() {
    return root;
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("line", "no root login", "path", "/etc/ssh/sshd_config",
        "line", "PermitRootLogin no", "match", "^#?PermitRootLogin\\b"));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(Files.readString(config)).isEqualTo("Port 22\nPermitRootLogin no\nUsePAM yes\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .as("the file keeps its mode").isEqualTo("rw-------");
  }

  @Override
  protected void tamper() throws Exception {
    Files.writeString(config, Files.readString(config).replace("PermitRootLogin no",
        "PermitRootLogin yes"));
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(config);
  }

  @Override
  protected void cleanUp() {
    // Everything lives under the temporary root.
  }

  /** `ensure absent` removes the line; the file keeps its other lines and its mode. */
  @Test
  void ensureAbsentRemovesTheLine() throws Exception {
    Report made = converge(catalog(), false);
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    verifyConverged();

    var absent = Catalogs4Test.catalog().resource(resource("line", "no root login",
        "path", "/etc/ssh/sshd_config", "line", "PermitRootLogin no", "ensure", "absent"))
        .build();
    Report removed = converge(absent, false);
    assertThat(events(removed)).as(removed.toString()).singleElement().satisfies(e -> {
      assertThat(e.getBefore()).isEqualTo("PermitRootLogin no");
      assertThat(e.getAfter()).isEqualTo("absent");
    });
    assertThat(Files.readString(config)).isEqualTo("Port 22\nUsePAM yes\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");

    Report again = converge(absent, false);
    assertThat(again.getResourcesList()).as(again.toString()).isEmpty();
    assertThat(Files.readString(config)).isEqualTo("Port 22\nUsePAM yes\n");
  }
}
