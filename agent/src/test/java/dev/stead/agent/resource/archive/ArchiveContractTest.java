package dev.stead.agent.resource.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.Progress;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.agent.resource.file.LocalFileSource;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.SourceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code archive} from a module file (as {@code stead apply} reads it), unpacked under a
 * temporary root with {@code creates} and {@code cleanup}: tampering removes what it
 * created, and the repair unpacks it again.
 */
class ArchiveContractTest extends ResourceTypeContract {
  @TempDir Path root;
  @TempDir Path modules;
  private byte[] archive;

  @BeforeEach
  void layout() throws Exception {
    archive = TestArchives.of()
        .dir("app-1.0", 0755)
        .dir("app-1.0/bin", 0755)
        .file("app-1.0/bin/app", "#!/bin/sh\necho app\n", 0755)
        .file("app-1.0/README", "read me\n", 0644)
        .symlink("app-1.0/bin/latest", "app")
        .tarGz();
    Files.createDirectories(modules.resolve("app/files"));
    Files.write(modules.resolve("app/files/app-1.0.tar.gz"), archive);
    Files.createDirectories(root.resolve("opt"));
    Files.createDirectories(root.resolve("var/cache"));
  }

  @Override
  protected Path root() {
    return root;
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("archive", "/var/cache/app-1.0.tar.gz",
        "source", "app/app-1.0.tar.gz", "checksum", SourceFiles.checksum(archive),
        "extract_path", "/opt", "creates", "/opt/app-1.0/bin/app", "cleanup", true));
  }

  @Override
  protected Report converge(Catalog catalog, boolean noop) {
    return new Converger(new ConvergeOptions(root, state, noop),
        new LocalFileSource(List.of(modules))).converge(catalog, Progress.NONE);
  }

  @Override
  protected void verifyConverged() throws Exception {
    Path app = root.resolve("opt/app-1.0/bin/app");
    assertThat(app).hasContent("#!/bin/sh\necho app");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app)))
        .isEqualTo("rwxr-xr-x");
    assertThat(root.resolve("opt/app-1.0/README")).hasContent("read me");
    assertThat(Files.readSymbolicLink(root.resolve("opt/app-1.0/bin/latest")))
        .isEqualTo(Path.of("app"));
    assertThat(root.resolve("var/cache/app-1.0.tar.gz")).as("cleaned up").doesNotExist();
    try (Stream<Path> left = Files.list(root.resolve("var/cache"))) {
      assertThat(left).as("no staged archive left behind").isEmpty();
    }
  }

  @Override
  protected void tamper() throws Exception {
    Files.delete(root.resolve("opt/app-1.0/bin/latest"));
    Files.delete(root.resolve("opt/app-1.0/bin/app"));
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(root.resolve("opt"), root.resolve("opt/app-1.0/bin/app"),
        root.resolve("opt/app-1.0/README"), root.resolve("var/cache/app-1.0.tar.gz"));
  }

  @Override
  protected void cleanUp() {
    // Everything lives under the temporary root.
  }
}
