package dev.stead.agent;

import static dev.stead.agent.Catalogs4Test.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shortcuts of a no-change run: one converger reusing its prepared plan, content digests
 * remembered in the state directory, the drift state left unwritten when nothing changed.
 * None of them may hide a change.
 */
class ConvergerPlanTest {
  @TempDir Path root;
  @TempDir Path state;

  private Path at(String path) {
    return root.resolve(path.substring(1));
  }

  private static Catalog motd(String content) {
    return catalog()
        .file("/etc", "ensure", "directory")
        .file("/etc/motd", "content", content, "mode", "0644")
        .build();
  }

  private static ResourceResult result(Report r, String key) {
    return r.getResourcesList().stream().filter(x -> x.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " not in report " + r));
  }

  private Converger converger() {
    return new Converger(new ConvergeOptions(root, state, false));
  }

  @Test
  void aReusedPlanStillSeesDriftEvenWithTheMtimeReset() throws IOException {
    Converger daemon = converger();
    assertThat(daemon.converge(motd("hello\n")).getStatus()).isEqualTo(RunStatus.CHANGED_RUN);
    assertThat(daemon.converge(motd("hello\n")).getStatus()).isEqualTo(RunStatus.UNCHANGED);

    FileTime mtime = Files.getLastModifiedTime(at("/etc/motd"));
    Files.writeString(at("/etc/motd"), "hellO\n"); // same size
    Files.setLastModifiedTime(at("/etc/motd"), mtime);
    Report r = daemon.converge(motd("hello\n"));
    assertThat(result(r, "file[/etc/motd]").getEvents(0).getProperty()).isEqualTo("content");
    assertThat(result(r, "file[/etc/motd]").getEvents(0).getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(at("/etc/motd")).hasContent("hello");
  }

  @Test
  void aReusedPlanFollowsANewCatalog() throws IOException {
    Converger daemon = converger();
    daemon.converge(motd("hello\n"));
    Report r = daemon.converge(motd("goodbye\n"));
    assertThat(result(r, "file[/etc/motd]").getEvents(0).getKind())
        .isEqualTo(ChangeKind.INTENDED);
    assertThat(at("/etc/motd")).hasContent("goodbye");
  }

  @Test
  void rememberedDigestsGiveTheSameReportsAsHashing() throws IOException {
    converger().converge(motd("hello\n"));
    assertThat(state.resolve("state/digests.memo")).exists();
    Files.writeString(at("/etc/motd"), "tampered\n");
    Report seeded = converger().converge(motd("hello\n"));

    Files.delete(state.resolve("state/digests.memo"));
    Files.writeString(at("/etc/motd"), "tampered\n");
    Report hashed = converger().converge(motd("hello\n"));

    assertThat(result(seeded, "file[/etc/motd]").getEventsList())
        .isEqualTo(result(hashed, "file[/etc/motd]").getEventsList());
    assertThat(result(seeded, "file[/etc/motd]").getEvents(0).getKind())
        .isEqualTo(ChangeKind.DRIFT);
  }

  @Test
  void aMemoOfAnotherCatalogUnderTheSameDigestIsNotTrusted() throws IOException {
    converger().converge(motd("hello\n"));
    // A catalog that claims the first one's digest but holds other content: the remembered
    // digest does not fit its bytes, so it is hashed, and the change is reported as such.
    Catalog liar = motd("other\n").toBuilder().setDigest(motd("hello\n").getDigest()).build();
    Report r = converger().converge(liar);
    assertThat(result(r, "file[/etc/motd]").getEvents(0).getAfter())
        .isEqualTo("sha256:" + Catalogs.sha256Hex("other\n".getBytes()));
    assertThat(at("/etc/motd")).hasContent("other");
  }

  @Test
  void aNoChangeRunLeavesTheDriftStateFileAlone() throws IOException {
    converger().converge(motd("hello\n"));
    Path file = state.resolve("state/last_run.pb");
    byte[] before = Files.readAllBytes(file);
    FileTime written = Files.getLastModifiedTime(file);
    Files.setLastModifiedTime(file, FileTime.fromMillis(written.toMillis() - 60_000));
    FileTime marked = Files.getLastModifiedTime(file);

    assertThat(converger().converge(motd("hello\n")).getStatus()).isEqualTo(RunStatus.UNCHANGED);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(marked);
    assertThat(file).hasBinaryContent(before);

    converger().converge(motd("goodbye\n"));
    assertThat(Files.getLastModifiedTime(file)).isNotEqualTo(marked);
  }
}
