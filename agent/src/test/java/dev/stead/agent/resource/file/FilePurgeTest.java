package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.fs.BackupStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code purge}: what no file resource manages goes, backed up; through the engine. */
class FilePurgeTest {
  @TempDir Path root;
  @TempDir Path state;

  @BeforeEach
  void tree() throws IOException {
    Files.createDirectories(root.resolve("conf.d"));
    Files.writeString(root.resolve("conf.d/managed.conf"), "managed\n");
    Files.writeString(root.resolve("conf.d/stray.conf"), "stray\n");
  }

  private Catalogs4Test purged(Object... more) {
    Object[] params = new Object[6 + more.length];
    System.arraycopy(new Object[] {"ensure", "directory", "recurse", true, "purge", true}, 0,
        params, 0, 6);
    System.arraycopy(more, 0, params, 6, more.length);
    return Catalogs4Test.catalog().file("/conf.d", params)
        .file("/conf.d/managed.conf", "content", "managed\n");
  }

  @Test
  void removesWhatIsUnmanagedAndKeepsItInTheBackups() throws IOException {
    Report r = converge(purged().build(), false);

    assertThat(Files.exists(root.resolve("conf.d/stray.conf"))).isFalse();
    assertThat(Files.readString(root.resolve("conf.d/managed.conf"))).isEqualTo("managed\n");
    assertThat(events(r)).extracting(Event::getProperty, Event::getBefore, Event::getAfter,
        Event::getStatus).containsExactly(Tuple.tuple("purge",
            "/conf.d/stray.conf: file", "absent", EventStatus.APPLIED));
    List<BackupStore.Entry> kept = new BackupStore(backups()).entries();
    assertThat(kept).extracting(BackupStore.Entry::path).containsExactly("/conf.d/stray.conf");
    assertThat(new BackupStore(backups()).read(kept.get(0).checksum()))
        .isEqualTo("stray\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noopReportsAndRemovesNothing() throws IOException {
    Report r = converge(purged().build(), true);

    assertThat(r.getResourcesList()).extracting(ResourceResult::getStatus)
        .containsOnly(ResourceStatus.WOULD_CHANGE, ResourceStatus.IN_SYNC);
    assertThat(events(r)).extracting(Event::getBefore, Event::getStatus).containsExactly(
        Tuple.tuple("/conf.d/stray.conf: file", EventStatus.NOOP));
    assertThat(Files.readString(root.resolve("conf.d/stray.conf"))).isEqualTo("stray\n");
  }

  @Test
  void anUnmanagedSubdirectoryWithoutForceIsLeftWithANoteAndTheRestGoesOn() throws IOException {
    Files.createDirectories(root.resolve("conf.d/old/deeper"));
    Files.writeString(root.resolve("conf.d/old/deeper/x.conf"), "x\n");
    Files.writeString(root.resolve("conf.d/managed.conf"), "outdated\n");

    Report left = converge(purged().build(), false);
    ResourceResult dir = result(left, "file[/conf.d]");
    assertThat(dir.getStatus()).as(left.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(dir.getMessage()).contains("/conf.d/old").contains("force");
    assertThat(Files.exists(root.resolve("conf.d/old/deeper/x.conf"))).isTrue();
    assertThat(Files.exists(root.resolve("conf.d/stray.conf"))).isFalse();
    assertThat(result(left, "file[/conf.d/managed.conf]").getStatus())
        .as("the managed file inside is still managed").isEqualTo(ResourceStatus.CHANGED);
    assertThat(Files.readString(root.resolve("conf.d/managed.conf"))).isEqualTo("managed\n");

    Report again = converge(purged().build(), false);
    assertThat(result(again, "file[/conf.d]").getStatus()).isEqualTo(ResourceStatus.IN_SYNC);
    assertThat(result(again, "file[/conf.d]").getMessage()).contains("/conf.d/old");
    assertThat(again.getSummary().getDriftEvents()).isZero();

    Report forced = converge(purged("force", true).build(), false);
    assertThat(result(forced, "file[/conf.d]").getStatus()).as(forced.toString())
        .isEqualTo(ResourceStatus.CHANGED);
    assertThat(result(forced, "file[/conf.d]").getMessage()).isEmpty();
    assertThat(Files.exists(root.resolve("conf.d/old"))).isFalse();
    assertThat(new BackupStore(backups()).entries()).extracting(BackupStore.Entry::path)
        .contains("/conf.d/old/deeper/x.conf");
  }

  @Test
  void keepsTheWayToADeeperManagedPathAndPurgesBesideIt() throws IOException {
    Files.createDirectories(root.resolve("conf.d/sites"));
    Files.writeString(root.resolve("conf.d/sites/a.conf"), "a\n");
    Files.writeString(root.resolve("conf.d/sites/b.conf"), "b\n");

    converge(purged().file("/conf.d/sites/a.conf", "content", "a\n").build(), false);

    assertThat(Files.exists(root.resolve("conf.d/sites/a.conf"))).isTrue();
    assertThat(Files.exists(root.resolve("conf.d/sites/b.conf"))).isFalse();
  }

  @Test
  void recurselimitKeepsPurgeWithinItsLevels() throws IOException {
    Files.createDirectories(root.resolve("conf.d/sites"));
    Files.writeString(root.resolve("conf.d/sites/a.conf"), "a\n");
    Files.writeString(root.resolve("conf.d/sites/b.conf"), "b\n");

    converge(purged("recurselimit", 1L).file("/conf.d/sites/a.conf", "content", "a\n").build(),
        false);
    assertThat(Files.exists(root.resolve("conf.d/stray.conf"))).isFalse();
    assertThat(Files.exists(root.resolve("conf.d/sites/b.conf"))).as("two levels down").isTrue();

    converge(purged("recurselimit", 2L).file("/conf.d/sites/a.conf", "content", "a\n").build(),
        false);
    assertThat(Files.exists(root.resolve("conf.d/sites/b.conf"))).isFalse();
    assertThat(Files.exists(root.resolve("conf.d/sites/a.conf"))).isTrue();
  }

  @Test
  void aNewFileAfterAnInSyncRunIsDrift() throws IOException {
    converge(purged().build(), false);
    Files.writeString(root.resolve("conf.d/later.conf"), "later\n");

    Report r = converge(purged().build(), false);

    assertThat(events(r)).extracting(Event::getBefore, Event::getKind).containsExactly(
        Tuple.tuple("/conf.d/later.conf: file", ChangeKind.DRIFT));
  }

  @Test
  void purgeWithoutRecurseIsRejectedByName() {
    Report r = converge(Catalogs4Test.catalog()
        .file("/conf.d", "ensure", "directory", "purge", true).build(), false);

    assertThat(r.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(r.getResources(0).getMessage()).contains("`purge` needs `recurse: true`");
    assertThat(Files.exists(root.resolve("conf.d/stray.conf"))).isTrue();
  }

  private Report converge(Catalog catalog, boolean noop) {
    return new Converger(new ConvergeOptions(root, state, noop)).converge(catalog);
  }

  private Path backups() {
    return new ConvergeOptions(root, state, false).backupDir();
  }

  private static List<Event> events(Report r) {
    return r.getResourcesList().stream().flatMap(x -> x.getEventsList().stream()).toList();
  }

  private static ResourceResult result(Report r, String key) {
    return r.getResourcesList().stream().filter(x -> x.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " not in " + r));
  }
}
