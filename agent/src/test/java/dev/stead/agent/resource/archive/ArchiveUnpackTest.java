package dev.stead.agent.resource.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.testing.TestPki;
import dev.stead.agent.Progress;
import dev.stead.agent.resource.file.LocalFileSource;
import dev.stead.agent.resource.fetch.TestHttpsServer;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.SourceFiles;
import dev.stead.wire.Values;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archive} through the engine: over HTTPS from a server the test's CA signed, from a
 * module as zip, and the archives it must refuse whole (escaping names and links, a checksum
 * that does not match), each leaving the target as it was.
 */
class ArchiveUnpackTest {
  private static final String CA_FILE = "/etc/ssl/stead-test/ca.pem";
  private static TestPki.Ca ca;

  @TempDir Path root;
  @TempDir Path state;
  @TempDir Path modules;
  /** Outside the root: what an escaping entry would reach. */
  @TempDir Path outside;
  private TestHttpsServer server;

  @BeforeAll
  static void testCa() throws Exception {
    ca = new TestPki.Ca("archive test CA");
  }

  @BeforeEach
  void layout() throws Exception {
    Files.createDirectories(root.resolve("opt/app"));
    Files.createDirectories(root.resolve("var/cache"));
    TestHttpsServer.writePem(ca, root.resolve(CA_FILE.substring(1)));
    server = TestHttpsServer.start(ca);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Resource archive(String title, Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    return Resource.newBuilder().setType("archive").setTitle(title)
        .putAllParameters(Values.ofMap(params))
        .setSource(SourceLocation.newBuilder().setFile("site.groovy").setLine(3)).build();
  }

  private Report converge(Resource resource, boolean noop) {
    return new Converger(new ConvergeOptions(root, state, noop),
        new LocalFileSource(List.of(modules)))
        .converge(Catalogs4Test.catalog().resource(resource).build(), Progress.NONE);
  }

  private static ResourceResult only(Report report) {
    assertThat(report.getResourcesList()).as(report.toString()).hasSize(1);
    return report.getResources(0);
  }

  private List<String> tree(String dir) throws Exception {
    Path base = root.resolve(dir);
    try (Stream<Path> all = Files.walk(base)) {
      return all.filter(p -> !p.equals(base)).map(p -> base.relativize(p).toString()).sorted()
          .toList();
    }
  }

  private Resource https(byte[] bytes, Object... more) {
    server.serve("/app.tar.gz", bytes);
    Object[] base = {"source", server.url("/app.tar.gz"), "checksum",
        SourceFiles.checksum(bytes), "source_ca", CA_FILE, "extract_path", "/opt/app"};
    Object[] all = new Object[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return archive("/var/cache/app.tar.gz", all);
  }

  @Test
  void downloadsOverHttpsUnpacksAndKeepsTheArchiveAsProofWithoutCreates() throws Exception {
    byte[] bytes = TestArchives.of().dir("conf", 0750).file("conf/app.ini", "a = 1\n", 0640)
        .file("run.sh", "#!/bin/sh\n", 0755).tarGz();
    Resource resource = https(bytes);

    Report noop = converge(resource, true);
    assertThat(only(noop).getStatus()).isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(server.requests).as("noop never downloads").hasValue(0);
    assertThat(tree("opt/app")).isEmpty();

    Report first = converge(resource, false);
    assertThat(only(first).getStatus()).as(first.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(only(first).getEvents(0).getProperty()).isEqualTo("extracted");
    assertThat(only(first).getEvents(0).getBefore()).isEqualTo("absent");
    assertThat(only(first).getEvents(0).getAfter()).isEqualTo(SourceFiles.checksum(bytes));
    assertThat(tree("opt/app")).containsExactly("conf", "conf/app.ini", "run.sh");
    assertThat(mode("opt/app/conf")).isEqualTo("rwxr-x---");
    assertThat(mode("opt/app/conf/app.ini")).isEqualTo("rw-r-----");
    assertThat(Files.getLastModifiedTime(root.resolve("opt/app/run.sh")).toMillis())
        .isEqualTo(1_700_000_000_000L);
    assertThat(Files.readAllBytes(root.resolve("var/cache/app.tar.gz"))).isEqualTo(bytes);
    assertThat(mode("var/cache/app.tar.gz")).isEqualTo("rw-------");

    Report again = converge(resource, false);
    assertThat(again.getResourcesList()).as(again.toString()).isEmpty();
    assertThat(server.requests).as("in sync: no network").hasValue(1);

    // The kept archive is gone: fetched and unpacked again, reported as drift.
    Files.delete(root.resolve("var/cache/app.tar.gz"));
    Files.writeString(root.resolve("opt/app/conf/app.ini"), "a = 2\n");
    Report repaired = converge(resource, false);
    assertThat(only(repaired).getEvents(0).getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(root.resolve("opt/app/conf/app.ini")).hasContent("a = 1");
    assertThat(server.requests).hasValue(2);
  }

  @Test
  void aChecksumMismatchUnpacksNothingAndKeepsNothing() throws Exception {
    byte[] good = TestArchives.of().file("app.ini", "a = 1\n", 0644).tarGz();
    Resource resource = https(good);
    byte[] evil = TestArchives.of().file("app.ini", "a = evil\n", 0644).tarGz();
    server.serve("/app.tar.gz", evil);

    Report report = converge(resource, false);

    assertThat(only(report).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(only(report).getMessage()).contains("source " + server.url("/app.tar.gz")
        + " arrived with " + SourceFiles.checksum(evil), "not the catalog's "
        + SourceFiles.checksum(good));
    assertThat(tree("opt/app")).isEmpty();
    assertThat(tree("var/cache")).as("nothing kept, no staged file").isEmpty();
  }

  @Test
  void aZipFromAModuleKeepsModesAndLinksAndTakesOwnerAndGroup() throws Exception {
    byte[] zip = TestArchives.of().dir("bin", 0755).file("bin/tool", "tool\n", 0750)
        .symlink("bin/t", "tool").file("share/doc.txt", "doc\n", 0644).zip();
    Files.createDirectories(modules.resolve("tools/files"));
    Files.write(modules.resolve("tools/files/tools.zip"), zip);
    Resource resource = archive("/var/cache/tools.zip", "source", "tools/tools.zip",
        "checksum", SourceFiles.checksum(zip), "extract_path", "/opt/app",
        "creates", "/opt/app/bin/tool", "cleanup", true, "owner", "nobody", "group", "nogroup");

    Report report = converge(resource, false);

    assertThat(only(report).getStatus()).as(report.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(tree("opt/app")).containsExactly("bin", "bin/t", "bin/tool", "share",
        "share/doc.txt");
    assertThat(mode("opt/app/bin/tool")).isEqualTo("rwxr-x---");
    assertThat(Files.readSymbolicLink(root.resolve("opt/app/bin/t"))).isEqualTo(Path.of("tool"));
    for (String p : List.of("bin", "bin/tool", "bin/t", "share", "share/doc.txt")) {
      PosixFileAttributes a = Files.readAttributes(root.resolve("opt/app").resolve(p),
          PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      assertThat(a.owner().getName()).as(p).isEqualTo("nobody");
      assertThat(a.group().getName()).as(p).isEqualTo("nogroup");
    }
    assertThat(tree("var/cache")).as("cleaned up").isEmpty();
    assertThat(converge(resource, false).getResourcesList()).as("creates exists").isEmpty();
  }

  @Test
  void entriesThatEscapeTheTargetRefuseTheWholeArchive() throws Exception {
    Files.writeString(outside.resolve("victim"), "safe\n");
    Path link = root.resolve("opt/app/pre");
    Files.createSymbolicLink(link, outside);
    record Case(String why, TestArchives archive, String message) {}
    List<Case> cases = List.of(
        new Case("dot-dot", TestArchives.of().file("ok.txt", "x", 0644)
            .file("../../../victim", "pwned", 0644), "entry '../../../victim' has a `..` part"),
        new Case("absolute", TestArchives.of().file("ok.txt", "x", 0644)
            .file(outside.resolve("victim").toString(), "pwned", 0644), "entry '"
            + outside.resolve("victim") + "' has an absolute name"),
        new Case("absolute link", TestArchives.of().symlink("etc", "/etc"),
            "entry 'etc' is a symbolic link to the absolute path /etc"),
        new Case("link out", TestArchives.of().symlink("sub/up", "../../.."),
            "entry 'sub/up' is a symbolic link to ../../.., which leads outside extract_path"),
        new Case("link chain", TestArchives.of().symlink("here", ".")
            .symlink("away", "here/here/../.."),
            "entry 'away' is a symbolic link to here/here/../.., which leads outside"),
        new Case("through own link", TestArchives.of().symlink("d", "sub").dir("sub", 0755)
            .file("d/x", "x", 0644), "entry 'd/x' would be written through the archive's"
            + " symbolic link 'd'"),
        new Case("through a link already there", TestArchives.of()
            .file("pre/victim", "pwned", 0644), "entry 'pre/victim' would be written through"
            + " the symbolic link"),
        new Case("hard link out", TestArchives.of().hardlink("h", "../victim"),
            "entry 'h' is a hard link to '../victim', which leads outside extract_path"),
        new Case("fifo", TestArchives.of().fifo("pipe"),
            "entry 'pipe' is a device, pipe or socket"));
    for (Case c : cases) {
      byte[] bytes = c.archive().tar();
      Report report = converge(https(bytes), false);
      assertThat(only(report).getStatus()).as(c.why()).isEqualTo(ResourceStatus.FAILED);
      assertThat(only(report).getMessage()).as(c.why()).contains("archive "
          + server.url("/app.tar.gz") + " refused: " + c.message())
          .endsWith("; nothing was unpacked");
      assertThat(tree("opt/app")).as(c.why()).containsExactly("pre");
      assertThat(outside.resolve("victim")).as(c.why()).hasContent("safe");
      try (Stream<Path> near = Files.list(outside)) {
        assertThat(near).as(c.why()).containsExactly(outside.resolve("victim"));
      }
      assertThat(tree("var/cache")).as(c.why() + ": the refused archive is not kept").isEmpty();
    }
  }

  @Test
  void anArchiveThatDoesNotMakeCreatesFailsSayingSo() throws Exception {
    byte[] bytes = TestArchives.of().file("other", "x", 0644).tarGz();

    Report report = converge(https(bytes, "creates", "/opt/app/bin/app"), false);

    assertThat(only(report).getMessage()).isEqualTo("unpacked into /opt/app, but `creates`"
        + " /opt/app/bin/app is still missing: the archive does not make it, so every run"
        + " would unpack it again");
  }

  @Test
  void notAnArchiveIsRefusedBeforeAnythingIsWritten() throws Exception {
    byte[] bytes = "just text\n".getBytes(StandardCharsets.UTF_8);

    Report report = converge(https(bytes), false);

    assertThat(only(report).getMessage()).contains("not an archive this agent reads");
    assertThat(tree("opt/app")).isEmpty();
    assertThat(tree("var/cache")).isEmpty();
  }

  private String mode(String path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(path),
        LinkOption.NOFOLLOW_LINKS));
  }
}
