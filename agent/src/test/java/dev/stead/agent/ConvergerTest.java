package dev.stead.agent;

import static dev.stead.agent.Catalogs4Test.catalog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.agent.fs.BackupStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.Catalogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvergerTest {
  @TempDir Path root;
  @TempDir Path state;

  private Report apply(Catalog c) {
    return new Converger(new ConvergeOptions(root, state, false)).converge(c);
  }

  private Report noop(Catalog c) {
    return new Converger(new ConvergeOptions(root, state, true)).converge(c);
  }

  private Path at(String path) {
    return root.resolve(path.substring(1));
  }

  private static List<Event> events(Report r) {
    return r.getResourcesList().stream().flatMap(x -> x.getEventsList().stream()).toList();
  }

  private static ResourceResult result(Report r, String key) {
    return r.getResourcesList().stream().filter(x -> x.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " not in report " + r));
  }

  private static Catalog motd(String content) {
    return catalog()
        .file("/etc", "ensure", "directory")
        .file("/etc/motd", "content", content, "mode", "0644")
        .build();
  }

  @Test
  void appliesThenIsInSync() throws IOException {
    Report first = apply(motd("hello\n"));
    assertThat(first.getSummary().getChanged()).isEqualTo(2);
    assertThat(first.getStatus()).isEqualTo(RunStatus.CHANGED_RUN);
    assertThat(ExitCodes.of(first)).isEqualTo(2);
    assertThat(Files.readString(at("/etc/motd"))).isEqualTo("hello\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(at("/etc/motd"))))
        .isEqualTo("rw-r--r--");
    assertThat(events(first)).allMatch(e -> e.getKind() == ChangeKind.INTENDED
        && e.getStatus() == EventStatus.APPLIED);
    Event content = result(first, "file[/etc/motd]").getEventsList().stream()
        .filter(e -> e.getProperty().equals("content")).findFirst().orElseThrow();
    assertThat(content.getAfter()).isEqualTo("sha256:"
        + Catalogs.sha256Hex("hello\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(content.getDiff()).contains("+hello");

    Report second = apply(motd("hello\n"));
    assertThat(second.getSummary().getChanged()).isZero();
    assertThat(second.getResourcesList()).isEmpty();
    assertThat(second.getStatus()).isEqualTo(RunStatus.UNCHANGED);
    assertThat(ExitCodes.of(second)).isZero();
    assertThat(Files.exists(state.resolve("state/last_run.pb"))).isTrue();
  }

  @Test
  void tamperingIsDriftAndRepaired() throws IOException {
    apply(motd("hello\n"));
    Files.writeString(at("/etc/motd"), "hacked\n");
    Files.setPosixFilePermissions(at("/etc/motd"), PosixFilePermissions.fromString("rw-rw-rw-"));

    Report r = apply(motd("hello\n"));
    List<Event> events = result(r, "file[/etc/motd]").getEventsList();
    assertThat(events).extracting(Event::getProperty).containsExactly("content", "mode");
    assertThat(events).allMatch(e -> e.getKind() == ChangeKind.DRIFT);
    assertThat(events.get(0).getDiff()).contains("-hacked").contains("+hello");
    assertThat(events.get(1).getBefore()).isEqualTo("0666");
    assertThat(r.getSummary().getDriftEvents()).isEqualTo(2);
    assertThat(Files.readString(at("/etc/motd"))).isEqualTo("hello\n");
    // The replaced content is kept by checksum.
    String hex = Catalogs.sha256Hex("hacked\n".getBytes(StandardCharsets.UTF_8));
    assertThat(state.resolve("backup").resolve(hex)).hasContent("hacked");

    String out = print(r);
    assertThat(out).contains("drift: file[/etc/motd] content sha256:"
        + hex.substring(0, 12) + "… → sha256:")
        .contains("(repaired)")
        .contains("drift: file[/etc/motd] mode 0666 → 0644 (repaired)")
        .contains("run: 2 resources, 1 changed, 0 failed, 0 skipped; properties: 2 drift, "
            + "0 intended;");
  }

  @Test
  void changedCatalogIsIntended() throws IOException {
    apply(motd("hello\n"));
    Report r = apply(motd("goodbye\n"));
    Event e = result(r, "file[/etc/motd]").getEvents(0);
    assertThat(e.getProperty()).isEqualTo("content");
    assertThat(e.getKind()).isEqualTo(ChangeKind.INTENDED);
    assertThat(print(r)).contains("intended: file[/etc/motd] content").contains("(applied)");
  }

  @Test
  void intendedAndDriftInOneRun() throws IOException {
    Catalog before = catalog().file("/a", "content", "a1").file("/b", "content", "b1").build();
    apply(before);
    Files.writeString(at("/b"), "tampered");
    Report r = apply(catalog().file("/a", "content", "a2").file("/b", "content", "b1").build());
    assertThat(result(r, "file[/a]").getEvents(0).getKind()).isEqualTo(ChangeKind.INTENDED);
    assertThat(result(r, "file[/b]").getEvents(0).getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(r.getSummary().getIntendedEvents()).isEqualTo(1);
    assertThat(r.getSummary().getDriftEvents()).isEqualTo(1);
  }

  @Test
  void noopTouchesNothing() throws IOException {
    apply(motd("hello\n"));
    Files.writeString(at("/etc/motd"), "hacked\n");
    FileTime old = FileTime.fromMillis(1_000_000_000L);
    Files.setLastModifiedTime(at("/etc/motd"), old);
    Map<String, String> before = snapshot(root);
    byte[] stateBefore = Files.readAllBytes(state.resolve("state/last_run.pb"));

    Report r = noop(catalog()
        .file("/etc", "ensure", "directory")
        .file("/etc/motd", "content", "hello\n", "mode", "0644")
        .file("/etc/new", "content", "x")
        .build());
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(at("/etc/motd"))).isEqualTo(old);
    assertThat(state.resolve("state/last_run.pb")).hasBinaryContent(stateBefore);
    assertThat(r.getNoop()).isTrue();
    assertThat(r.getSummary().getChanged()).isZero();
    assertThat(r.getSummary().getOutOfSync()).isEqualTo(2);
    assertThat(result(r, "file[/etc/motd]").getStatus()).isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(events(r)).allMatch(e -> e.getStatus() == EventStatus.NOOP);
    assertThat(ExitCodes.of(r)).isEqualTo(2);
    String out = print(r);
    assertThat(out).contains("(would repair)").contains("(would apply)")
        .contains("run (noop): 3 resources, 2 would change");
    // The noop did not record anything: the real run still sees drift.
    Report real = apply(motd("hello\n"));
    assertThat(result(real, "file[/etc/motd]").getEvents(0).getKind())
        .isEqualTo(ChangeKind.DRIFT);
  }

  @Test
  void noopInSyncExitsZero() {
    apply(motd("hello\n"));
    assertThat(ExitCodes.of(noop(motd("hello\n")))).isZero();
  }

  @Test
  void exitCodeFourAndSix() throws IOException {
    Report failed = apply(catalog().file("/missing/x", "content", "x").build());
    assertThat(ExitCodes.of(failed)).isEqualTo(4);
    assertThat(failed.getStatus()).isEqualTo(RunStatus.FAILED_RUN);
    Report both = apply(catalog().file("/missing/x", "content", "x").file("/ok", "content", "y")
        .build());
    assertThat(ExitCodes.of(both)).isEqualTo(6);
  }

  @Test
  void missingUnmanagedParentFailsNamingIt() {
    Report r = apply(catalog().file("/opt/app/conf", "content", "x").build());
    ResourceResult rr = result(r, "file[/opt/app/conf]");
    assertThat(rr.getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(rr.getMessage()).contains("parent directory /opt/app does not exist");
    assertThat(print(r)).contains("failed: file[/opt/app/conf]: parent directory /opt/app");
  }

  @Test
  void parentDirectoryIsAppliedFirstEvenWhenItSortsLater() {
    // "/a/b" sorts before "/a/b/c"? it does; use a title that sorts before its parent's key.
    Report r = apply(catalog()
        .file("/z", "ensure", "directory")
        .file("/z/a", "ensure", "directory")
        .file("/z/a/file", "content", "x")
        .edge("file[/z]", EdgeKind.REQUIRES, "file[/b]")
        .file("/b", "ensure", "directory")
        .build());
    assertThat(r.getSummary().getFailed()).isZero();
    assertThat(r.getResourcesList()).extracting(ResourceResult::getKey)
        .containsExactly("file[/b]", "file[/z]", "file[/z/a]", "file[/z/a/file]");
  }

  @Test
  void edgesOrderResources() {
    Report r = apply(catalog()
        .file("/a", "content", "a")
        .file("/b", "content", "b")
        .file("/c", "content", "c")
        .file("/d", "content", "d")
        .edge("file[/a]", EdgeKind.REQUIRES, "file[/b]")   // b, a
        .edge("file[/c]", EdgeKind.BEFORE, "file[/b]")     // c, b
        .edge("file[/d]", EdgeKind.NOTIFIES, "file[/c]")   // d, c
        .build());
    assertThat(r.getResourcesList()).extracting(ResourceResult::getKey)
        .containsExactly("file[/d]", "file[/c]", "file[/b]", "file[/a]");
    Report s = apply(catalog()
        .file("/x", "content", "x")
        .file("/y", "content", "y")
        .edge("file[/x]", EdgeKind.SUBSCRIBES, "file[/y]")  // y, x
        .build());
    assertThat(s.getResourcesList()).extracting(ResourceResult::getKey)
        .containsExactly("file[/y]", "file[/x]");
  }

  @Test
  void failureSkipsDependentsAndTheRunGoesOn() {
    Report r = apply(catalog()
        .file("/bad/x", "content", "x")
        .file("/dep", "content", "d")
        .file("/dep2", "content", "d")
        .file("/free", "content", "f")
        .edge("file[/dep]", EdgeKind.REQUIRES, "file[/bad/x]")
        .edge("file[/dep2]", EdgeKind.REQUIRES, "file[/dep]")
        .build());
    assertThat(result(r, "file[/bad/x]").getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(result(r, "file[/dep]").getStatus()).isEqualTo(ResourceStatus.SKIPPED);
    assertThat(result(r, "file[/dep]").getMessage()).isEqualTo("dependency file[/bad/x] failed");
    assertThat(result(r, "file[/dep2]").getMessage())
        .isEqualTo("dependency file[/bad/x] failed (via file[/dep])");
    assertThat(result(r, "file[/free]").getStatus()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(Files.exists(at("/dep"))).isFalse();
    assertThat(r.getSummary().getSkipped()).isEqualTo(2);
    assertThat(print(r)).contains("skipped: file[/dep]: dependency file[/bad/x] failed");
    assertThat(ExitCodes.of(r)).isEqualTo(6);
  }

  @Test
  void symlinkOutOfTheRootIsRefused(@TempDir Path outside) throws IOException {
    Files.createSymbolicLink(at("/etc"), outside);
    Report r = apply(catalog().file("/etc/passwd", "content", "evil").build());
    ResourceResult rr = result(r, "file[/etc/passwd]");
    assertThat(rr.getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(rr.getMessage()).contains("leads out of the root");
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void relativeSymlinkOutOfTheRootIsRefused(@TempDir Path outside) throws IOException {
    Files.createDirectories(at("/srv"));
    Files.createSymbolicLink(at("/srv/data"), Path.of("../../../../../../../../" + outside));
    Report r = apply(catalog().file("/srv/data/f", "content", "evil").build());
    assertThat(result(r, "file[/srv/data/f]").getMessage()).contains("leads out of the root");
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void symlinkInsideTheRootIsFollowed() throws IOException {
    Files.createDirectories(at("/real"));
    Files.createSymbolicLink(at("/etc"), Path.of("real"));
    Report r = apply(catalog().file("/etc/motd", "content", "hi").build());
    assertThat(r.getSummary().getFailed()).isZero();
    assertThat(at("/real/motd")).hasContent("hi");
  }

  @Test
  void linkTargetIsWrittenVerbatim() throws IOException {
    Report r = apply(catalog().file("/current", "target", "/opt/app/releases/1").build());
    assertThat(r.getSummary().getChanged()).isEqualTo(1);
    assertThat(Files.readSymbolicLink(at("/current")).toString()).isEqualTo("/opt/app/releases/1");
    assertThat(apply(catalog().file("/current", "target", "/opt/app/releases/1").build())
        .getSummary().getChanged()).isZero();
    Report retarget = apply(catalog().file("/current", "target", "releases/2").build());
    assertThat(result(retarget, "file[/current]").getEvents(0).getBefore())
        .isEqualTo("/opt/app/releases/1");
    assertThat(Files.readSymbolicLink(at("/current")).toString()).isEqualTo("releases/2");
  }

  @Test
  void directoryWhereFileShouldBeFailsWithoutForceAndLeavesNoTempFile() throws IOException {
    Files.createDirectories(at("/conf/sub"));
    Report r = apply(catalog().file("/conf", "content", "x").build());
    assertThat(result(r, "file[/conf]").getMessage())
        .isEqualTo("/conf is a directory; set force to replace it with a file");
    assertThat(at("/conf/sub")).isDirectory();
    assertThat(tempFiles(root)).isEmpty();

    Files.writeString(at("/conf/sub/app.conf"), "kept\n");
    Report forced = apply(catalog().file("/conf", "content", "x", "force", true).build());
    assertThat(forced.getSummary().getFailed()).isZero();
    assertThat(at("/conf")).hasContent("x");
    // The replaced directory's files are in the backups, as replaced content always is.
    BackupStore backups = new BackupStore(state.resolve("backup"));
    assertThat(backups.entries()).extracting(BackupStore.Entry::path)
        .containsExactly("/conf/sub/app.conf");
    assertThat(backups.read(backups.entries().get(0).checksum()))
        .isEqualTo("kept\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void atomicWriteFailureLeavesOldAndNoTemp() throws IOException {
    Path dir = Files.createDirectories(at("/d/inner"));
    Files.writeString(dir.resolve("keep"), "k");
    Assertions.assertThatThrownBy(() ->
        AtomicFiles.write(at("/d"), "new".getBytes(StandardCharsets.UTF_8),
            AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--"))))
        .isInstanceOf(IOException.class);
    assertThat(dir.resolve("keep")).hasContent("k");
    assertThat(tempFiles(root)).isEmpty();
  }

  @Test
  void ensureAbsentRemovesAndBacksUp() throws IOException {
    Files.writeString(at("/old"), "bye");
    Report r = apply(catalog().file("/old", "ensure", "absent").build());
    assertThat(result(r, "file[/old]").getEvents(0).getBefore()).isEqualTo("file");
    assertThat(at("/old")).doesNotExist();
    assertThat(state.resolve("backup/index.tsv")).content().contains("/old");
  }

  @Test
  void unsetPropertiesAreLeftAlone() throws IOException {
    Files.writeString(at("/f"), "mine");
    Files.setPosixFilePermissions(at("/f"), PosixFilePermissions.fromString("rwx------"));
    Report r = apply(catalog().file("/f", "ensure", "file").build());
    assertThat(r.getSummary().getChanged()).isZero();
    assertThat(at("/f")).hasContent("mine");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(at("/f"))))
        .isEqualTo("rwx------");
  }

  @Test
  void ownerAndGroupAreSetByName() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
    Files.writeString(at("/owned"), "x");
    Files.setOwner(at("/owned"), root.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("nobody"));
    Report r = apply(catalog().file("/owned", "owner", "root", "group", "root",
        "ensure", "file").build());
    assertThat(result(r, "file[/owned]").getEventsList()).extracting(Event::getProperty)
        .contains("owner");
    assertThat(Files.getOwner(at("/owned"), LinkOption.NOFOLLOW_LINKS).getName())
        .isEqualTo("root");
    assertThat(apply(catalog().file("/owned", "owner", "root", "group", "root",
        "ensure", "file").build()).getSummary().getChanged()).isZero();
  }

  @Test
  void unknownUserFailsNamingIt() {
    Report r = apply(catalog().file("/u", "content", "x").file("/v", "ensure", "file",
        "owner", "no-such-user-stead").build());
    assertThat(result(r, "file[/v]").getMessage()).contains("no-such-user-stead");
  }

  @Test
  void invalidParametersFailTheResourceOnly() {
    Report r = apply(catalog().file("/m", "content", "x", "mode", "rw-r--r--")
        .file("/ok", "content", "y").build());
    assertThat(result(r, "file[/m]").getMessage()).contains("`mode`");
    assertThat(r.getSummary().getChanged()).isEqualTo(1);
  }

  @Test
  void unusableRootIsACouldNotRunReport() {
    Report r = new Converger(new ConvergeOptions(root.resolve("nope"), state, false))
        .converge(motd("x"));
    assertThat(r.getError()).contains("nope");
    assertThat(ExitCodes.of(r)).isEqualTo(1);
  }

  private static String print(Report r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReportPrinter.print(r, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static List<Path> tempFiles(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX))
          .toList();
    }
  }

  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        String info = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS) + " "
            + PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
                LinkOption.NOFOLLOW_LINKS));
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          info += " " + Catalogs.sha256Hex(Files.readAllBytes(p));
        }
        out.put(dir.relativize(p).toString(), info);
      }
    }
    return out;
  }
}
