package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recurse}: the directory's owner, group and mode beneath it, through the engine. */
class FileRecurseTest {
  @TempDir Path root;
  @TempDir Path state;
  @TempDir Path outside;

  @BeforeEach
  void tree() throws IOException {
    Files.createDirectories(root.resolve("d/sub"));
    write("d/a", "rw-------");
    write("d/sub/b", "rw-rw-rw-");
    chmod("d/sub", "rwx------");
  }

  @Test
  void modeReachesEverythingBelowWithSearchBitsOnDirectories() throws IOException {
    Report r = converge(Catalogs4Test.catalog()
        .file("/d", "ensure", "directory", "mode", "0640", "recurse", true).build(), false);

    assertThat(r.getResources(0).getStatus()).as(r.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(mode("d/a")).isEqualTo("rw-r-----");
    assertThat(mode("d/sub/b")).isEqualTo("rw-r-----");
    assertThat(mode("d/sub")).isEqualTo("rwxr-x---");
    assertThat(r.getResources(0).getEventsList()).extracting(Event::getProperty, Event::getBefore,
        Event::getAfter).contains(
            Tuple.tuple("recurse", "/d/a: mode 0600",
                "mode 0640 (directories 0750)"),
            Tuple.tuple("recurse", "/d/sub: mode 0700",
                "mode 0640 (directories 0750)"),
            Tuple.tuple("recurse", "/d/sub/b: mode 0666",
                "mode 0640 (directories 0750)"));
    assertThat(events(converge(Catalogs4Test.catalog()
        .file("/d", "ensure", "directory", "mode", "0640", "recurse", true).build(), false)))
        .as("in sync afterwards").isZero();
  }

  @Test
  void noopChangesNothingBelow() throws IOException {
    Report r = converge(Catalogs4Test.catalog()
        .file("/d", "ensure", "directory", "mode", "0640", "recurse", true).build(), true);

    assertThat(r.getResources(0).getStatus()).isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(mode("d/a")).isEqualTo("rw-------");
    assertThat(mode("d/sub")).isEqualTo("rwx------");
  }

  @Test
  void ownerAndGroupReachEverythingBelow() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
    converge(Catalogs4Test.catalog().file("/d", "ensure", "directory", "owner", "nobody",
        "group", "nogroup", "recurse", true).build(), false);

    for (String p : new String[] {"d/a", "d/sub", "d/sub/b"}) {
      PosixFileAttributes a = attributes(p);
      assertThat(a.owner().getName()).as(p).isEqualTo("nobody");
      assertThat(a.group().getName()).as(p).isEqualTo("nogroup");
    }
    assertThat(mode("d/a")).as("mode is not managed").isEqualTo("rw-------");
  }

  @Test
  void anExplicitResourceOwnsItsPathAndWhatIsBeneathIt() throws IOException {
    Files.createDirectories(root.resolve("d/own"));
    write("d/own/c", "rw-rw-rw-");
    Report r = converge(Catalogs4Test.catalog()
        .file("/d", "ensure", "directory", "mode", "0600", "recurse", true)
        .file("/d/a", "mode", "0644")
        .file("/d/own", "ensure", "directory", "mode", "0755").build(), false);

    assertThat(r.getResourcesList()).extracting(ResourceResult::getStatus)
        .doesNotContain(ResourceStatus.FAILED);
    assertThat(mode("d/a")).isEqualTo("rw-r--r--");
    assertThat(mode("d/own")).isEqualTo("rwxr-xr-x");
    assertThat(mode("d/own/c")).as("beneath another resource").isEqualTo("rw-rw-rw-");
    assertThat(mode("d/sub/b")).isEqualTo("rw-------");
    assertThat(events(converge(Catalogs4Test.catalog()
        .file("/d", "ensure", "directory", "mode", "0600", "recurse", true)
        .file("/d/a", "mode", "0644")
        .file("/d/own", "ensure", "directory", "mode", "0755").build(), false)))
        .as("no fight between the two").isZero();
  }

  @Test
  void linksAreNeverFollowed() throws IOException {
    Files.writeString(outside.resolve("secret"), "x");
    Files.setPosixFilePermissions(outside.resolve("secret"),
        PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(root.resolve("d/out"), outside);
    Files.createSymbolicLink(root.resolve("d/up"), Path.of(".."));
    Files.createSymbolicLink(root.resolve("d/file-link"), Path.of("a"));

    Report r = converge(Catalogs4Test.catalog()
        .file("/d", "ensure", "directory", "mode", "0600", "recurse", true).build(), false);

    assertThat(r.getResources(0).getStatus()).as(r.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside)))
        .isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        outside.resolve("secret")))).isEqualTo("rw-r--r--");
    assertThat(mode("d/a")).as("through its own path only").isEqualTo("rw-------");
    assertThat(Files.isSymbolicLink(root.resolve("d/out"))).isTrue();
    assertThat(r.getResources(0).getEventsList()).extracting(Event::getBefore)
        .noneMatch(b -> b.startsWith("/d/out") || b.startsWith("/d/up")
            || b.startsWith("/d/file-link"));
  }

  @Test
  void recurselimitStopsTheWalkThatManyLevelsDown() throws IOException {
    Files.createDirectories(root.resolve("d/sub/deeper"));
    write("d/sub/deeper/c", "rw-rw-rw-");
    Catalog one = Catalogs4Test.catalog().file("/d", "ensure", "directory", "mode", "0640",
        "recurse", true, "recurselimit", 1L).build();

    Report r = converge(one, false);

    assertThat(r.getResources(0).getStatus()).as(r.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(mode("d/a")).isEqualTo("rw-r-----");
    assertThat(mode("d/sub")).as("an entry of the directory itself").isEqualTo("rwxr-x---");
    assertThat(mode("d/sub/b")).as("two levels down").isEqualTo("rw-rw-rw-");
    assertThat(events(converge(one, false))).as("in sync within the limit").isZero();

    converge(Catalogs4Test.catalog().file("/d", "ensure", "directory", "mode", "0640",
        "recurse", true, "recurselimit", 2L).build(), false);
    assertThat(mode("d/sub/b")).isEqualTo("rw-r-----");
    assertThat(mode("d/sub/deeper")).isEqualTo("rwxr-x---");
    assertThat(mode("d/sub/deeper/c")).as("three levels down").isEqualTo("rw-rw-rw-");
  }

  @Test
  void recurselimitNeedsRecurseAndAPositiveNumber() {
    Report without = converge(Catalogs4Test.catalog()
        .file("/d", "ensure", "directory", "recurselimit", 1L).build(), false);
    assertThat(without.getResources(0).getMessage()).contains("`recurselimit` needs `recurse");

    Report zero = converge(Catalogs4Test.catalog()
        .file("/d", "ensure", "directory", "recurse", true, "recurselimit", 0L).build(), false);
    assertThat(zero.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(zero.getResources(0).getMessage()).contains("`recurselimit`").contains("1 or more");
  }

  @Test
  void recurseNeedsADirectory() throws IOException {
    Report r = converge(Catalogs4Test.catalog()
        .file("/d/a", "mode", "0600", "recurse", true).build(), false);

    assertThat(r.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(r.getResources(0).getMessage()).contains("`recurse` needs ensure directory");
  }

  private Report converge(Catalog catalog, boolean noop) {
    return new Converger(new ConvergeOptions(root, state, noop)).converge(catalog);
  }

  private static int events(Report r) {
    return r.getResourcesList().stream().mapToInt(ResourceResult::getEventsCount).sum();
  }

  private void write(String path, String mode) throws IOException {
    Files.writeString(root.resolve(path), path);
    chmod(path, mode);
  }

  private void chmod(String path, String mode) throws IOException {
    Files.setPosixFilePermissions(root.resolve(path), PosixFilePermissions.fromString(mode));
  }

  private String mode(String path) throws IOException {
    return PosixFilePermissions.toString(attributes(path).permissions());
  }

  private PosixFileAttributes attributes(String path) throws IOException {
    return Files.readAttributes(root.resolve(path), PosixFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
  }
}
