package dev.stead.agent;

import static dev.stead.agent.Catalogs4Test.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.report.ReportSpool;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporary files a killed run left behind are removed by the next real run, and nothing
 * else is: real files under a temporary root, a real state directory, the real converger.
 */
class StaleTempCleanupTest {
  @TempDir Path root;
  @TempDir Path state;

  private Path at(String path) {
    return root.resolve(path.substring(1));
  }

  private static Catalog catalogWithAFileAndALine() {
    return catalog()
        .file("/etc/app", "ensure", "directory")
        .file("/etc/app/app.conf", "content", "port = 80\n")
        .resource(Resource.newBuilder().setType("line").setTitle("motd greeting")
            .putParameters("path", Value.newBuilder().setStringValue("/etc/motd").build())
            .putParameters("line", Value.newBuilder().setStringValue("hello").build())
            .build())
        .build();
  }

  /**
   * What a run killed mid-write leaves: {@link AtomicFiles#stage} has written the new version
   * beside its target and the process died before the rename (and before its clean-up).
   */
  private static Path orphanOf(Path target, String content, Duration age) throws IOException {
    Files.createDirectories(target.getParent());
    Path orphan = AtomicFiles.stage(target,
        out -> out.write(content.getBytes(StandardCharsets.UTF_8))).file();
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(age)));
    return orphan;
  }

  private static Path userFile(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    Files.writeString(file, "the user's own\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
    return file;
  }

  @Test
  void theNextRunRemovesWhatAKilledRunLeftAndLeavesUsersFilesAlone() throws IOException {
    Files.createDirectories(at("/etc"));
    Files.writeString(at("/etc/motd"), "welcome\n");
    Duration anHourAgo = Duration.ofHours(1);
    // Orphans beside managed files, and in the state directory (spool, certificates, cache).
    Path conf = orphanOf(at("/etc/app/app.conf"), "port = 81\n", anHourAgo);
    Path motd = orphanOf(at("/etc/motd"), "welcome\nhello\n", anHourAgo);
    Path spooled = orphanOf(state.resolve("spool/0f1e.pb"), "report", anHourAgo);
    Path certificate = orphanOf(state.resolve("ssl/cert.pem"), "-----BEGIN", anHourAgo);
    Path cached = orphanOf(state.resolve("catalog/last.pb"), "catalog", anHourAgo);
    Path link = at("/etc/app/.current.0123abcd.stead-tmp");
    Files.createSymbolicLink(link, Path.of("/nonexistent"));
    Files.setLastModifiedTime(at("/etc/app"), FileTime.from(Instant.now().minus(anHourAgo)));
    // Files of users that only look similar, and a Stead-shaped one in an unmanaged place.
    List<Path> kept = List.of(
        userFile(at("/etc/app"), "app.conf.stead-tmp"),
        userFile(at("/etc/app"), ".notes.stead-tmp"),
        userFile(at("/etc/app"), ".app.conf.not-hex.stead-tmp"),
        userFile(at("/etc/app"), ".app.conf.0123abcd.stead-tmp.bak"),
        userFile(at("/etc"), "hosts.0123abcd.stead-tmp"),
        userFile(at("/srv/elsewhere"), ".data.0123abcd.stead-tmp"));
    Path directory = Files.createDirectories(at("/etc/app/.cache.0123abcd.stead-tmp"));
    // Written after the run began: not an orphan of a run that is gone.
    Path fresh = orphanOf(at("/etc/app/app.conf"), "port = 82\n", Duration.ofHours(-1));

    Converger converger = new Converger(new ConvergeOptions(root, state, false));
    Report report = converger.converge(catalogWithAFileAndALine());

    assertThat(report.getError()).isEmpty();
    assertThat(List.of(conf, motd, spooled, certificate, cached)).allSatisfy(
        p -> assertThat(p).doesNotExist());
    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(converger.removedTemps()).containsExactlyInAnyOrder(
        conf, motd, spooled, certificate, cached, link);
    assertThat(kept).allSatisfy(p -> assertThat(p).hasContent("the user's own"));
    assertThat(directory).isDirectory();
    assertThat(fresh).exists();
    assertThat(at("/etc/app/app.conf")).hasContent("port = 80");
    assertThat(at("/etc/motd")).hasContent("welcome\nhello");
    // The spool still works: the orphan beside it was never a spooled report.
    assertThat(new ReportSpool(state.resolve("spool")).pending()).isEmpty();
  }

  @Test
  void aNoopRunRemovesNothing() throws IOException {
    Path conf = orphanOf(at("/etc/app/app.conf"), "port = 81\n", Duration.ofHours(1));

    Converger converger = new Converger(new ConvergeOptions(root, state, true));
    converger.converge(catalogWithAFileAndALine());

    assertThat(conf).exists();
    assertThat(converger.removedTemps()).isEmpty();
  }

  @Test
  void temporaryNamesAreRecognisedExactly() throws IOException {
    Path target = Files.createDirectories(root.resolve("d")).resolve("file.conf");
    try (AtomicFiles.Staged staged = AtomicFiles.stage(target, out -> out.write(1))) {
      assertThat(AtomicFiles.isTempName(staged.file().getFileName().toString())).isTrue();
    }
    assertThat(AtomicFiles.isTempName(".file.conf.ffffffffffffffff.stead-tmp")).isTrue();
    assertThat(AtomicFiles.isTempName("file.conf.ffff.stead-tmp")).isFalse();
    assertThat(AtomicFiles.isTempName(".file.conf.stead-tmp")).isFalse();
    assertThat(AtomicFiles.isTempName(".file.conf.fffffffffffffffff.stead-tmp")).isFalse();
    assertThat(AtomicFiles.isTempName(".file.conf.FFFF.stead-tmp")).isFalse();
  }
}
