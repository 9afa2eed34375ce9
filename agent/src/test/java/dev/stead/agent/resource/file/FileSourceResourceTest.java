package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.Progress;
import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.wire.SourceFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code file} with {@code source}, through the engine, with the module directories of
 * {@code stead apply} as its file source (and a source that lies, and one that fails).
 */
class FileSourceResourceTest {
  private static final byte[] CONF = "listen 80\n".getBytes(StandardCharsets.UTF_8);
  private static final String SUM = SourceFiles.checksum(CONF);

  @TempDir Path root;
  @TempDir Path state;
  @TempDir Path modules;

  private Catalog catalog() {
    return Catalogs4Test.catalog().file("/etc/web.conf", "source", "web/web.conf",
        "checksum", SUM, "mode", "0600").build();
  }

  private Report converge(FileSource files, boolean noop) {
    return new Converger(new ConvergeOptions(root, state, noop), files)
        .converge(catalog(), Progress.NONE);
  }

  private static ResourceResult only(Report report) {
    assertThat(report.getResourcesList()).hasSize(1);
    return report.getResources(0);
  }

  private static Event content(Report report) {
    return only(report).getEventsList().stream().filter(e -> e.getProperty().equals("content"))
        .findFirst().orElseThrow();
  }

  @Test
  void readsTheModuleFileLocallyAndOnlyWhenTheCopyDiffers() throws Exception {
    Files.createDirectories(modules.resolve("web/files"));
    Files.write(modules.resolve("web/files/web.conf"), CONF);
    Files.createDirectories(root.resolve("etc"));
    AtomicInteger reads = new AtomicInteger();
    LocalFileSource local = new LocalFileSource(List.of(modules));
    FileSource counting = (source, sum, out) -> {
      reads.incrementAndGet();
      local.fetch(source, sum, out);
    };

    Report noop = converge(counting, true);
    assertThat(reads).as("noop never fetches").hasValue(0);
    assertThat(only(noop).getStatus()).isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(root.resolve("etc/web.conf")).doesNotExist();

    Report first = converge(counting, false);
    assertThat(only(first).getStatus()).as(first.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(content(first).getAfter()).isEqualTo(SUM);
    assertThat(Files.readAllBytes(root.resolve("etc/web.conf"))).isEqualTo(CONF);
    assertThat(reads).hasValue(1);

    converge(counting, false);
    assertThat(reads).as("in sync: not fetched").hasValue(1);

    Files.writeString(root.resolve("etc/web.conf"), "listen 8080\n");
    Report noopDrift = converge(counting, true);
    assertThat(reads).hasValue(1);
    assertThat(content(noopDrift).getStatus()).isEqualTo(EventStatus.NOOP);
    assertThat(content(noopDrift).getAfter()).isEqualTo(SUM);
  }

  @Test
  void bytesThatDoNotMatchTheChecksumAreNotWritten() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/web.conf"), "old\n");

    Report lied = converge((source, sum, out) ->
        out.write("something else\n".getBytes(StandardCharsets.UTF_8)), false);

    assertThat(only(lied).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(only(lied).getMessage()).contains("source web/web.conf arrived with sha256:",
        "not the catalog's " + SUM);
    assertThat(root.resolve("etc/web.conf")).hasContent("old");
    try (var left = Files.list(root.resolve("etc"))) {
      assertThat(left.map(p -> p.getFileName().toString())).as("no staged file left behind")
          .containsExactly("web.conf");
    }
  }

  @Test
  void aFetchFailureFailsThatResourceAndLeavesThePathAlone() throws Exception {
    Files.createDirectories(root.resolve("etc"));

    Report failed = converge(new LocalFileSource(List.of(modules)), false);

    assertThat(only(failed).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(only(failed).getMessage()).startsWith("cannot fetch source web/web.conf ("
        + SUM + "): source web/web.conf is not in the module directories");
    assertThat(root.resolve("etc/web.conf")).doesNotExist();
  }

  @Test
  void aLargeSourceStreamsIntoPlaceAndItsPredecessorIntoTheBackups() throws Exception {
    // 48 MiB: more than a quarter of the daemon's heap ceiling, so it must not be held whole.
    byte[] block = new byte[1 << 20];
    new Random(7).nextBytes(block);
    Path big = Files.createDirectories(modules.resolve("web/files")).resolve("big.bin");
    try (var out = Files.newOutputStream(big)) {
      for (int i = 0; i < 48; i++) {
        block[0] = (byte) i;
        out.write(block);
      }
    }
    String sum = SourceFiles.checksum(big);
    Files.createDirectories(root.resolve("srv"));
    Files.writeString(root.resolve("srv/big.bin"), "old\n");
    Catalog c = Catalogs4Test.catalog().file("/srv/big.bin", "source", "web/big.bin",
        "checksum", sum).build();

    Report r = new Converger(new ConvergeOptions(root, state, false),
        new LocalFileSource(List.of(modules))).converge(c, Progress.NONE);

    assertThat(only(r).getStatus()).as(r.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(SourceFiles.checksum(root.resolve("srv/big.bin"))).isEqualTo(sum);
    assertThat(content(r).getDiff()).as("no diff of 48 MiB in a report").isEmpty();
    BackupStore backups =
        new BackupStore(state.resolve("backup"));
    assertThat(backups.read(backups.entries().get(0).checksum()))
        .isEqualTo("old\n".getBytes(StandardCharsets.UTF_8));
  }
}
