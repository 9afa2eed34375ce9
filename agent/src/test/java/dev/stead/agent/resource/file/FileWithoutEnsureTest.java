package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file resource without {@code ensure} (and no content, source or target that implies it)
 * manages the properties of a file that exists and leaves an absent one alone, as Puppet does:
 * the CIS controls on backup files such as {@code /etc/shadow-} rely on that.
 */
class FileWithoutEnsureTest {
  @TempDir Path root;
  @TempDir Path state;

  private final Catalog catalog =
      Catalogs4Test.catalog().file("/etc/shadow-", "mode", "0600").build();

  @Test
  void anAbsentFileIsInSyncAndNotCreated() {
    Report r = converge(false);

    ResourceResult file = r.getResources(0);
    assertThat(file.getStatus()).as(r.toString()).isEqualTo(ResourceStatus.IN_SYNC);
    assertThat(file.getMessage()).contains("does not exist and ensure is not set");
    assertThat(Files.exists(root.resolve("etc/shadow-"))).isFalse();
    assertThat(r.getSummary().getFailed()).isZero();
  }

  @Test
  void anExistingFileGetsItsPropertiesManaged() throws IOException {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/shadow-"), "old\n");
    Files.setPosixFilePermissions(root.resolve("etc/shadow-"),
        PosixFilePermissions.fromString("rw-r--r--"));

    Report first = converge(false);
    Report second = converge(false);

    assertThat(first.getResources(0).getStatus()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(root.resolve("etc/shadow-")))).isEqualTo("rw-------");
    assertThat(Files.readString(root.resolve("etc/shadow-"))).isEqualTo("old\n");
    assertThat(second.getSummary().getChanged()).as(second.toString()).isZero();
    assertThat(second.getSummary().getFailed()).isZero();
  }

  private Report converge(boolean noop) {
    return new Converger(new ConvergeOptions(root, state, noop)).converge(catalog);
  }
}
