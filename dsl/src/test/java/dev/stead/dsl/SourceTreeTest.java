package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.wire.Catalogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recursing directory whose source is a module directory: one resource per entry. */
class SourceTreeTest {
  @TempDir Path dir;

  private static String sha256(String text) {
    return "sha256:" + Catalogs.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  private Code tree() throws Exception {
    return new Code(dir.resolve("env"))
        .file("modules/app/files/conf.d/a.conf", "a\n")
        .file("modules/app/files/conf.d/sub/b.conf", "b\n")
        .file("modules/app/files/conf.d/sub/deeper/c.conf", "c\n");
  }

  /** A fresh load each time, as the master does after a code change. */
  private static Compiler compiler(Code code) throws Exception {
    return Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));
  }

  private static Catalog compile(Code code) throws Exception {
    return compiler(code).compile("n1", Code.debian());
  }

  @Test
  void recurselimitStopsTheCopyAndFilesInheritTheContentParameters() throws Exception {
    Code code = tree().file("site.groovy", """
        node('default') {
          file('/etc/app', ensure: 'directory', recurse: true, purge: true, force: true,
              recurselimit: 2, source: 'app/conf.d', replace: false, show_diff: false,
              validate_cmd: 'check %')
        }
        """);

    CatalogView view = CatalogView.of(compile(code));

    view.hasResourceCount(5).hasNoResource("file[/etc/app/sub/deeper/c.conf]");
    view.resource("file[/etc/app]").hasParameter("recurselimit", 2L)
        .hasNoParameter("validate_cmd").hasNoParameter("source");
    view.resource("file[/etc/app/sub]").hasParameter("purge", true)
        .hasParameter("recurselimit", 1L).hasNoParameter("validate_cmd");
    view.resource("file[/etc/app/sub/deeper]").hasNoParameter("purge")
        .hasNoParameter("recurselimit");
    view.resource("file[/etc/app/sub/b.conf]").hasParameter("replace", false)
        .hasParameter("show_diff", false).hasParameter("validate_cmd", "check %");
  }

  @Test
  void eachEntryBecomesAResourceInheritingOwnershipModeNoopAndLine() throws Exception {
    Code code = tree().file("site.groovy", """
        node('default') {
          file('/etc/app', ensure: 'directory', recurse: true, purge: true,
              source: 'app/conf.d', owner: 'app', group: 'app', mode: '0640', noop: true)
        }
        """);

    CatalogView view = CatalogView.of(compile(code));

    view.hasResourceCount(6);
    view.resource("file[/etc/app]").hasParameter("ensure", "directory")
        .hasParameter("recurse", true).hasParameter("purge", true).hasNoParameter("source");
    view.resource("file[/etc/app/a.conf]").hasParameter("source", "app/conf.d/a.conf")
        .hasParameter("checksum", sha256("a\n")).hasParameter("owner", "app")
        .hasParameter("group", "app").hasParameter("mode", "0640").hasNoParameter("ensure")
        .isNoop();
    view.resource("file[/etc/app/sub]").hasParameter("ensure", "directory")
        .hasParameter("mode", "0750").hasParameter("owner", "app").hasNoParameter("source")
        .hasParameter("recurse", true).hasParameter("purge", true).isNoop();
    view.resource("file[/etc/app/sub/b.conf]").hasParameter("checksum", sha256("b\n"));
    view.resource("file[/etc/app/sub/deeper]").hasParameter("mode", "0750");
    view.resource("file[/etc/app/sub/deeper/c.conf]")
        .hasParameter("source", "app/conf.d/sub/deeper/c.conf")
        .hasParameter("checksum", sha256("c\n"));
    assertThat(view.resource("file[/etc/app/sub/b.conf]").source()).isEqualTo("site.groovy:2");
  }

  @Test
  void aChildTheCodeDeclaresWinsWhetherDeclaredBeforeOrAfter() throws Exception {
    Code code = tree().file("site.groovy", """
        file('/etc/app/a.conf', content: 'mine\\n')
        file('/etc/app', ensure: 'directory', recurse: true, source: 'app/conf.d', mode: '0644')
        file('/etc/app/sub/b.conf', ensure: 'absent')
        file('/etc/app/sub/deeper', ensure: 'absent', force: true)
        """);

    CatalogView view = CatalogView.of(compile(code));

    view.resource("file[/etc/app/a.conf]").hasParameter("content", "mine\n")
        .hasNoParameter("source").hasNoParameter("mode");
    view.resource("file[/etc/app/sub/b.conf]").hasParameter("ensure", "absent")
        .hasNoParameter("source");
    view.resource("file[/etc/app/sub/deeper]").hasParameter("ensure", "absent");
    // An absent directory keeps what is beneath it out of the catalog.
    view.hasNoResource("file[/etc/app/sub/deeper/c.conf]");
    view.resource("file[/etc/app/sub]").hasParameter("mode", "0755")
        .hasNoParameter("recurse").hasNoParameter("purge");
  }

  @Test
  void relationshipsOfTheDirectoryReachEveryChild() throws Exception {
    Code code = tree().file("site.groovy", """
        pkg('app')
        service('app')
        service('watcher', subscribes: file('/etc/app'))
        file('/etc/app', ensure: 'directory', recurse: true, source: 'app/conf.d',
            requires: pkg('app'), notifies: service('app'))
        """);

    CatalogView view = CatalogView.of(compile(code));

    for (String child : List.of("file[/etc/app/a.conf]", "file[/etc/app/sub]",
        "file[/etc/app/sub/deeper/c.conf]")) {
      view.resource(child).requires("pkg[app]").notifies("service[app]");
      assertThat(view.hasEdge("service[watcher]", EdgeKind.SUBSCRIBES, child))
          .as(child).isTrue();
    }
    view.resource("file[/etc/app]").requires("pkg[app]").notifies("service[app]");
  }

  @Test
  void aChangedFileInTheTreeChangesTheCatalogDigest() throws Exception {
    Code code = tree().file("site.groovy",
        "file('/etc/app', ensure: 'directory', recurse: true, source: 'app/conf.d')\n");
    Catalog first = compile(code);
    assertThat(compile(code).getDigest()).isEqualTo(first.getDigest());

    Files.writeString(code.dir().resolve("modules/app/files/conf.d/sub/deeper/c.conf"), "C\n");
    Catalog second = compile(code);

    assertThat(second.getDigest()).isNotEqualTo(first.getDigest());
    CatalogView.of(second).resource("file[/etc/app/sub/deeper/c.conf]")
        .hasParameter("checksum", sha256("C\n"));
  }

  @Test
  void anEmptyDirectoryGivesOnlyTheDirectory() throws Exception {
    Code code = new Code(dir.resolve("env")).file("modules/app/files/keep", "x")
        .file("site.groovy",
            "file('/etc/app', ensure: 'directory', recurse: true, source: 'app/empty')\n");
    Files.createDirectories(code.dir().resolve("modules/app/files/empty"));

    CatalogView.of(compile(code)).hasResourceCount(1).resource("file[/etc/app]")
        .hasNoParameter("source");
  }

  @Test
  void aSymbolicLinkInTheTreeIsRefusedNamingIt() throws Exception {
    Code code = tree().file("site.groovy", """
        // the tree
        file('/etc/app', ensure: 'directory', recurse: true, source: 'app/conf.d')
        """);
    Files.createSymbolicLink(code.dir().resolve("modules/app/files/conf.d/sub/link"),
        Path.of("../a.conf"));

    Compiler c = compiler(code);
    List<String> errors = Code.errorsOf(() -> c.compile("n1", Code.debian()));

    assertThat(errors).containsExactly("site.groovy:2: file[/etc/app]: source tree"
        + " app/files/conf.d holds a symbolic link, app/files/conf.d/sub/link:"
        + " replace it with the file or directory it names");
  }

  @Test
  void aDirectorySourceNeedsRecurseAndADirectoryRecurseNeedsADirectorySource()
      throws Exception {
    Code code = tree().file("site.groovy", """
        file('/a', ensure: 'directory', source: 'app/conf.d')
        file('/b', source: 'app/conf.d')
        file('/c', ensure: 'directory', recurse: true, source: 'app/conf.d/a.conf')
        file('/d', source: 'app/conf.d/a.conf', recurse: true)
        """);

    Compiler c = compiler(code);
    List<String> errors = Code.errorsOf(() -> c.compile("n1", Code.debian()));

    assertThat(errors).containsExactly(
        "site.groovy:1: file[/a]: source 'app/conf.d' is a directory: set recurse: true to"
            + " copy it",
        "site.groovy:2: file[/b]: source 'app/conf.d' is a directory: set ensure: 'directory'"
            + " and recurse: true to copy it",
        "site.groovy:3: file[/c] has a source but ensure 'directory': source needs ensure"
            + " 'file', or a directory of the module to copy");
  }

  @Test
  void aFileSourceWithRecurseStaysASingleFile() throws Exception {
    Code code = tree().file("site.groovy",
        "file('/etc/a.conf', source: 'app/conf.d/a.conf', recurse: true)\n");

    CatalogView.of(compile(code)).hasResourceCount(1).resource("file[/etc/a.conf]")
        .hasParameter("checksum", sha256("a\n")).hasNoParameter("recurse");
  }
}
