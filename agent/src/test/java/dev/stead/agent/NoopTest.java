package dev.stead.agent;

import static dev.stead.agent.Catalogs4Test.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Values;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real (not noop) run of a catalog in which one class and one resource are noop, as the
 * compiler emits them for {@code include 'audit', noop: true} and {@code noop true} on a
 * resource: those are checked and reported, the rest is applied.
 */
class NoopTest {
  private static final FileTime OLD = FileTime.fromMillis(1_000_000_000_000L);

  @TempDir Path root;
  @TempDir Path state;

  private Report apply(Catalog c) {
    return new Converger(new ConvergeOptions(root, state, false)).converge(c);
  }

  private Path at(String path) {
    return root.resolve(path.substring(1));
  }

  /** A file resource as the compiler writes it: containers outermost first, noop resolved. */
  private static Resource file(String path, String content, boolean noop, String... containers) {
    return Resource.newBuilder().setType("file").setTitle(path)
        .putAllParameters(Values.ofMap(Map.of("content", content)))
        .setSource(SourceLocation.newBuilder().setFile("site.groovy").setLine(1))
        .addAllContainers(List.of(containers))
        .setNoop(noop)
        .build();
  }

  private static Catalog catalogWithNoopClassAndResource() {
    return catalog()
        .file("/etc", "ensure", "directory")
        // class 'audit', included with noop: true, and a class it includes
        .resource(file("/etc/audit.conf", "audit new\n", true, "audit"))
        .resource(file("/etc/audit.rules", "rules\n", true, "audit", "audit::rules"))
        // a noop resource of its own, in a class that is not noop
        .resource(file("/etc/motd", "motd new\n", true, "base"))
        // the rest
        .resource(file("/etc/issue", "issue new\n", false, "base"))
        .resource(file("/etc/app.conf", "app new\n", false))
        .build();
  }

  private void existing(String path, String content) throws IOException {
    Files.writeString(at(path), content);
    Files.setLastModifiedTime(at(path), OLD);
  }

  private String sha256(String path) throws IOException {
    return Catalogs.sha256Hex(Files.readAllBytes(at(path)));
  }

  private static ResourceResult result(Report r, String key) {
    return r.getResourcesList().stream().filter(x -> x.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " not in report " + r));
  }

  @Test
  void noopClassAndResourceAreReportedAndLeftAloneWhileTheRestChanges() throws IOException {
    Files.createDirectories(at("/etc"));
    existing("/etc/audit.conf", "audit old\n");
    existing("/etc/motd", "motd old\n");
    existing("/etc/issue", "issue old\n");
    String auditSum = sha256("/etc/audit.conf");
    String motdSum = sha256("/etc/motd");

    Report r = apply(catalogWithNoopClassAndResource());

    // Left untouched on disk: same checksum, same mtime; the file to create is not created.
    assertThat(sha256("/etc/audit.conf")).isEqualTo(auditSum);
    assertThat(Files.getLastModifiedTime(at("/etc/audit.conf"))).isEqualTo(OLD);
    assertThat(sha256("/etc/motd")).isEqualTo(motdSum);
    assertThat(Files.getLastModifiedTime(at("/etc/motd"))).isEqualTo(OLD);
    assertThat(at("/etc/audit.rules")).doesNotExist();
    // The others changed.
    assertThat(Files.readString(at("/etc/issue"), StandardCharsets.UTF_8)).isEqualTo("issue new\n");
    assertThat(Files.getLastModifiedTime(at("/etc/issue"))).isNotEqualTo(OLD);
    assertThat(Files.readString(at("/etc/app.conf"), StandardCharsets.UTF_8))
        .isEqualTo("app new\n");

    assertThat(r.getNoop()).isFalse();
    for (String key : List.of("file[/etc/audit.conf]", "file[/etc/audit.rules]",
        "file[/etc/motd]")) {
      ResourceResult rr = result(r, key);
      assertThat(rr.getStatus()).as(key).isEqualTo(ResourceStatus.WOULD_CHANGE);
      assertThat(rr.getEventsList()).as(key).isNotEmpty()
          .allMatch(e -> e.getStatus() == EventStatus.NOOP);
    }
    for (String key : List.of("file[/etc/issue]", "file[/etc/app.conf]")) {
      ResourceResult rr = result(r, key);
      assertThat(rr.getStatus()).as(key).isEqualTo(ResourceStatus.CHANGED);
      assertThat(rr.getEventsList()).as(key).isNotEmpty()
          .allMatch(e -> e.getStatus() == EventStatus.APPLIED);
    }
    assertThat(r.getSummary().getChanged()).isEqualTo(2);
    assertThat(ExitCodes.of(r)).isEqualTo(2);

    // Noop stays noop run after run: the next run still only reports those three.
    Report again = apply(catalogWithNoopClassAndResource());
    assertThat(again.getResourcesList()).extracting(ResourceResult::getKey)
        .containsExactlyInAnyOrder("file[/etc/audit.conf]", "file[/etc/audit.rules]",
            "file[/etc/motd]");
    assertThat(again.getResourcesList())
        .allMatch(x -> x.getStatus() == ResourceStatus.WOULD_CHANGE);
    assertThat(again.getSummary().getChanged()).isZero();
    assertThat(Files.getLastModifiedTime(at("/etc/motd"))).isEqualTo(OLD);
  }

  @Test
  void inNoopAFileInAManagedDirectoryNotYetCreatedWouldBeCreatedNotFailed() {
    Catalog c = catalog()
        .file("/srv/app", "ensure", "directory")
        .file("/srv/app/app.conf", "content", "x\n")
        .file("/nowhere/else.conf", "content", "y\n")
        .build();
    at("/srv").toFile().mkdirs();

    Report r = new Converger(new ConvergeOptions(root, state, true)).converge(c);

    ResourceResult inside = result(r, "file[/srv/app/app.conf]");
    assertThat(inside.getStatus()).as(r.toString()).isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(inside.getMessage()).contains("file[/srv/app] would change first");
    // A parent nobody manages is still the failure the real run would meet.
    ResourceResult orphan = result(r, "file[/nowhere/else.conf]");
    assertThat(orphan.getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(orphan.getMessage()).contains("parent directory /nowhere does not exist");
    assertThat(at("/srv/app")).doesNotExist();

    Report real = apply(c);
    assertThat(result(real, "file[/srv/app/app.conf]").getStatus())
        .isEqualTo(ResourceStatus.CHANGED);
    assertThat(at("/srv/app/app.conf")).hasContent("x");
  }
}
