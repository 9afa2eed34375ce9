package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content, mode, directories, links, recursion and purging under a temporary root. The
 * tampering touches every kind of property, so the repair must report each as drift: content
 * and a link target, a recursed file's mode, and a stray file in a purged directory.
 */
class FileContractTest extends ResourceTypeContract {
  @TempDir Path root;

  @BeforeEach
  void existingTrees() throws IOException {
    // An unmanaged file where purging will remove it, and a recursed tree with wrong modes.
    // The managed subdirectory exists (with a wrong mode): a first noop cannot see a file
    // into a directory that is only going to be created.
    Path app = Files.createDirectories(root.resolve("srv/app/conf")).getParent();
    Files.setPosixFilePermissions(app.resolve("conf"), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(app.resolve("old.conf"), "left over\n");
    Path www = Files.createDirectories(root.resolve("srv/www/img"));
    Files.writeString(root.resolve("srv/www/index.html"), "<html></html>\n");
    Files.setPosixFilePermissions(root.resolve("srv/www/index.html"),
        PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwx------"));
  }

  @Override
  protected Path root() {
    return root;
  }

  @Override
  protected List<Resource> resources() {
    return List.of(
        resource("file", "/srv/app", "ensure", "directory", "mode", "0750",
            "recurse", true, "purge", true),
        resource("file", "/srv/app/conf", "ensure", "directory", "mode", "0755"),
        resource("file", "/srv/app/conf/app.conf", "content", "port = 8080\n",
            "mode", "0640"),
        resource("file", "/srv/app/current", "ensure", "link", "target", "conf"),
        resource("file", "/srv/www", "ensure", "directory", "mode", "0644",
            "recurse", true));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(Files.readString(root.resolve("srv/app/conf/app.conf")))
        .isEqualTo("port = 8080\n");
    assertThat(mode("srv/app/conf/app.conf")).isEqualTo("rw-r-----");
    assertThat(mode("srv/app")).isEqualTo("rwxr-x---");
    assertThat(mode("srv/app/conf")).isEqualTo("rwxr-xr-x");
    assertThat(Files.readSymbolicLink(root.resolve("srv/app/current")).toString())
        .isEqualTo("conf");
    try (Stream<Path> app = Files.list(root.resolve("srv/app"))) {
      assertThat(app.map(p -> p.getFileName().toString()))
          .as("purged").containsExactlyInAnyOrder("conf", "current");
    }
    assertThat(mode("srv/www/index.html")).isEqualTo("rw-r--r--");
    assertThat(mode("srv/www/img")).as("search bit where read is set").isEqualTo("rwxr-xr-x");
  }

  @Override
  protected void tamper() throws Exception {
    Files.writeString(root.resolve("srv/app/conf/app.conf"), "port = 9090\n");
    Files.delete(root.resolve("srv/app/current"));
    Files.createSymbolicLink(root.resolve("srv/app/current"), Path.of("/tmp"));
    Files.writeString(root.resolve("srv/app/stray"), "new\n");
    Files.setPosixFilePermissions(root.resolve("srv/www/index.html"),
        PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  @Override
  protected String hostFingerprint() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> all = Files.walk(root.resolve("srv"))) {
      for (Path p : all.sorted().toList()) {
        out.append(root.relativize(p)).append(' ');
        if (Files.isSymbolicLink(p)) {
          out.append("-> ").append(Files.readSymbolicLink(p));
        } else {
          out.append(PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
              LinkOption.NOFOLLOW_LINKS)));
          if (Files.isRegularFile(p)) {
            out.append(' ').append(Catalogs.sha256Hex(Files.readAllBytes(p)));
          }
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  @Override
  protected void cleanUp() {
    // Everything lives under the temporary root.
  }

  private String mode(String path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(path),
        LinkOption.NOFOLLOW_LINKS));
  }
}
