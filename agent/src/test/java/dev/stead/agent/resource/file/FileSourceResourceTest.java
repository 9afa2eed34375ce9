package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.engine.Progress;
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
    FileSource counting = (source, sum) -> {
      reads.incrementAndGet();
      return local.fetch(source, sum);
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

    Report lied = converge((source, sum) -> "something else\n".getBytes(StandardCharsets.UTF_8),
        false);

    assertThat(only(lied).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(only(lied).getMessage()).contains("source web/web.conf arrived with sha256:",
        "not the catalog's " + SUM);
    assertThat(root.resolve("etc/web.conf")).hasContent("old");
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
}
