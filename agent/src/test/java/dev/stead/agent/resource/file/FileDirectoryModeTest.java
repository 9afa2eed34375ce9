package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory's own mode gets the search bit where read is set, as in Puppet. */
class FileDirectoryModeTest {
  @TempDir Path root;
  @TempDir Path state;

  private static Catalog declared0644() {
    return Catalogs4Test.catalog().file("/d", "ensure", "directory", "mode", "0644")
        .file("/d/f", "content", "x\n", "mode", "0644").build();
  }

  @Test
  void aDirectoryDeclared0644IsCreatedEnterableAndStaysInSync() throws IOException {
    Report first = converge(declared0644());

    assertThat(mode("d")).isEqualTo("rwxr-xr-x");
    assertThat(mode("d/f")).as("files keep the declared mode").isEqualTo("rw-r--r--");
    assertThat(events(first)).filteredOn(e -> e.getProperty().equals("mode"))
        .extracting(Event::getAfter).containsExactlyInAnyOrder("0755", "0644");

    Report second = converge(declared0644());
    assertThat(second.getSummary().getResources()).isEqualTo(2);
    assertThat(second.getSummary().getChanged()).isZero();
    assertThat(events(second)).isEmpty();
    assertThat(second.getSummary().getDriftEvents()).isZero();
  }

  @Test
  void anExistingDirectoryAt0755IsInSyncAndOneAt0700IsCorrected() throws IOException {
    Files.createDirectory(root.resolve("d"));
    Files.setPosixFilePermissions(root.resolve("d"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Catalog catalog = Catalogs4Test.catalog().file("/d", "ensure", "directory", "mode", "0644")
        .build();

    assertThat(events(converge(catalog))).isEmpty();

    Files.setPosixFilePermissions(root.resolve("d"), PosixFilePermissions.fromString("rwx------"));
    Report r = converge(catalog);
    assertThat(events(r)).extracting(Event::getProperty, Event::getBefore, Event::getAfter)
        .containsExactly(Tuple.tuple("mode", "0700", "0755"));
    assertThat(mode("d")).isEqualTo("rwxr-xr-x");
  }

  @Test
  void ownerOnlyReadGivesOwnerOnlySearch() throws IOException {
    converge(Catalogs4Test.catalog().file("/d", "ensure", "directory", "mode", "0600").build());

    assertThat(mode("d")).isEqualTo("rwx------");
  }

  private Report converge(Catalog catalog) {
    return new Converger(new ConvergeOptions(root, state, false)).converge(catalog);
  }

  private String mode(String path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(path),
        LinkOption.NOFOLLOW_LINKS));
  }

  private static List<Event> events(Report r) {
    return r.getResourcesList().stream().flatMap(x -> x.getEventsList().stream()).toList();
  }
}
