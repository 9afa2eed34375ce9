package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.Catalog;
import dev.stead.wire.Catalogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A module author who controls a module's files must not make the compiler read a file of
 * the master's outside the module (its CA key, its configuration) through a symbolic link:
 * every reader (sources, directory trees, templates, data files, manifests) follows a link
 * only while it stays inside its module or environment, and refuses it at compile time with
 * the file (and the declaration's line) otherwise.
 */
class CodeLinkConfinementTest {
  private static final String KEY_TEXT = "-----BEGIN PRIVATE KEY-----\nMIIEsecret\n"
      + "-----END PRIVATE KEY-----\n";

  @TempDir Path dir;
  private Path caKey;
  private Path caDir;
  private Path secretYaml;
  private Path env;

  @BeforeEach
  void masterFilesOutsideTheCode() throws Exception {
    caDir = Files.createDirectories(dir.resolve("data/ca"));
    caKey = Files.writeString(caDir.resolve("ca_key.pem"), KEY_TEXT);
    secretYaml = Files.writeString(dir.resolve("data/secret.yaml"),
        "secret: hunter2\napp::secret: hunter2\nhierarchy:\n  - {name: x, path: x.yaml}\n");
    env = Files.createDirectories(dir.resolve("code"));
  }

  private static String sha256(String text) {
    return "sha256:" + Catalogs.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  private Path link(String relative, Path target) throws Exception {
    Path at = env.resolve(relative);
    Files.createDirectories(at.getParent());
    return Files.createSymbolicLink(at, target);
  }

  /** {@code target} relative to the directory {@code relative} (a link's name) lies in. */
  private Path relativeTarget(String relative, Path target) {
    return env.resolve(relative).getParent().relativize(target);
  }

  private static List<String> errorsOf(Code.CompileAction action) {
    List<String> errors = Code.errorsOf(action);
    assertThat(String.join("\n", errors)).doesNotContain("PRIVATE KEY", "MIIEsecret", "hunter2");
    return errors;
  }

  @Test
  void aSourceLinkedToAFileOutsideTheModuleIsRefusedAtItsDeclaration() throws Exception {
    link("modules/app/files/cakey", caKey);
    link("modules/app/files/relkey", relativeTarget("modules/app/files/relkey", caKey));
    // Inside the environment, yet outside the module: another module's file is not its own.
    new Code(env).file("modules/other/files/o.conf", "other\n");
    link("modules/app/files/sibling", Path.of("../../other/files/o.conf"));
    new Code(env).file("site.groovy", """
        node('default') {
          file('/etc/cakey') { source 'app/cakey' }
          file('/etc/relkey', source: 'app/relkey')
          file('/etc/sibling', source: 'app/sibling')
        }
        """);

    List<String> errors = errorsOf(() -> new Code(env).environment().compile("n1", Code.debian()));

    assertThat(errors).containsExactly(
        "site.groovy:2: file[/etc/cakey]: source 'app/cakey': modules/app/files/cakey leads"
            + " outside module 'app' through a symbolic link (a link may only point inside"
            + " its module)",
        "site.groovy:3: file[/etc/relkey]: source 'app/relkey': modules/app/files/relkey"
            + " leads outside module 'app' through a symbolic link (a link may only point"
            + " inside its module)",
        "site.groovy:4: file[/etc/sibling]: source 'app/sibling': modules/app/files/sibling"
            + " leads outside module 'app' through a symbolic link (a link may only point"
            + " inside its module)");
  }

  @Test
  void aSourceThroughALinkedDirectoryIsRefusedAsAFileAndAsATree() throws Exception {
    link("modules/app/files/ca", caDir);
    link("modules/app/files/relca", relativeTarget("modules/app/files/relca", caDir));
    new Code(env).file("site.groovy", """
        file('/etc/k1', source: 'app/ca/ca_key.pem')
        file('/etc/k2', source: 'app/relca/ca_key.pem')
        file('/etc/ca', ensure: 'directory', recurse: true, source: 'app/ca')
        """);

    List<String> errors = errorsOf(() -> Compiler.forManifest(env.resolve("site.groovy"),
        List.of(env.resolve("modules"))).compile("n1", Code.debian()));

    assertThat(errors).containsExactly(
        "site.groovy:1: file[/etc/k1]: source 'app/ca/ca_key.pem': app/files/ca/ca_key.pem"
            + " leads outside module 'app' through a symbolic link (a link may only point"
            + " inside its module)",
        "site.groovy:2: file[/etc/k2]: source 'app/relca/ca_key.pem':"
            + " app/files/relca/ca_key.pem leads outside module 'app' through a symbolic link"
            + " (a link may only point inside its module)",
        "site.groovy:3: file[/etc/ca]: source 'app/ca': app/files/ca leads outside module"
            + " 'app' through a symbolic link (a link may only point inside its module)");
  }

  @Test
  void aSourceSwappedForALinkAfterTheCodeWasLoadedIsRefusedByTheNextCompile()
      throws Exception {
    Path conf = new Code(env).file("modules/app/files/app.conf", "port = 1\n")
        .file("site.groovy", "node('default') { file('/etc/app.conf', source: 'app/app.conf') }\n")
        .dir().resolve("modules/app/files/app.conf");
    Compiler compiler = new Code(env).environment();
    CatalogView.of(compiler.compile("n1", Code.debian())).resource("file[/etc/app.conf]")
        .hasParameter("checksum", sha256("port = 1\n"));

    Files.delete(conf);
    Files.createSymbolicLink(conf, caKey);

    assertThat(errorsOf(() -> compiler.compile("n1", Code.debian()))).singleElement()
        .asString().startsWith("site.groovy:1: file[/etc/app.conf]: source 'app/app.conf':"
            + " modules/app/files/app.conf leads outside module 'app'");
  }

  @Test
  void aTemplateThatIsOrPassesThroughALinkOutsideIsRefused() throws Exception {
    link("modules/app/templates/key.tpl", caKey);
    link("modules/app/templates/rel.tpl", relativeTarget("modules/app/templates/rel.tpl", caKey));
    link("modules/app/templates/ca", caDir);
    new Code(env).file("site.groovy", """
        node('default') {
          file('/a', content: template('app/key.tpl'))
          file('/b', content: template('app/rel.tpl'))
          file('/c', content: template('app/ca/ca_key.pem'))
        }
        """);

    List<String> errors = errorsOf(() -> new Code(env).environment().compile("n1", Code.debian()));

    assertThat(errors).containsExactly(
        "site.groovy:2: template 'app/key.tpl': modules/app/templates/key.tpl leads outside"
            + " module 'app' through a symbolic link (a link may only point inside its module)",
        "site.groovy:3: template 'app/rel.tpl': modules/app/templates/rel.tpl leads outside"
            + " module 'app' through a symbolic link (a link may only point inside its module)",
        "site.groovy:4: template 'app/ca/ca_key.pem': modules/app/templates/ca/ca_key.pem"
            + " leads outside module 'app' through a symbolic link (a link may only point"
            + " inside its module)");
  }

  @Test
  void aDataFileLinkedOutsideIsRefusedNamingIt() throws Exception {
    link("data/common.yaml", secretYaml);
    link("data.yaml", relativeTarget("data.yaml", secretYaml));
    new Code(env).file("modules/app/manifests/app.groovy", "klass('app') { }\n");
    link("modules/app/data/common.yaml",
        relativeTarget("modules/app/data/common.yaml", secretYaml));
    new Code(env).file("site.groovy",
        "node('default') { file('/s', content: lookup('secret')) }\n");

    List<String> errors = errorsOf(() -> new Code(env).environment());

    assertThat(errors).containsExactlyInAnyOrder(
        "data.yaml:0: data.yaml leads outside the environment through a symbolic link (a link"
            + " may only point inside the environment)",
        "data/common.yaml:0: data/common.yaml leads outside the environment through a symbolic"
            + " link (a link may only point inside the environment)",
        "modules/app/data/common.yaml:0: modules/app/data/common.yaml leads outside module"
            + " 'app' through a symbolic link (a link may only point inside its module)");
  }

  @Test
  void aManifestLinkedOutsideIsRefusedNamingIt() throws Exception {
    Path outside = Files.writeString(dir.resolve("outside.groovy"),
        "file('/etc/passwd-copy', content: 'x')\n");
    link("modules/app/manifests/init.groovy", outside);
    link("modules/rel/manifests/init.groovy",
        relativeTarget("modules/rel/manifests/init.groovy", outside));
    link("site.groovy", outside);

    assertThat(errorsOf(() -> new Code(env).environment())).containsExactlyInAnyOrder(
        "site.groovy:0: site.groovy leads outside the environment through a symbolic link (a"
            + " link may only point inside the environment)",
        "modules/app/manifests/init.groovy:0: modules/app/manifests/init.groovy leads outside"
            + " module 'app' through a symbolic link (a link may only point inside its module)",
        "modules/rel/manifests/init.groovy:0: modules/rel/manifests/init.groovy leads outside"
            + " module 'rel' through a symbolic link (a link may only point inside its module)");
  }

  @Test
  void aModuleDirectoryLinkedOutsideItsModuleRootIsRefused() throws Exception {
    Path elsewhere = dir.resolve("elsewhere/evil");
    new Code(elsewhere).file("files/ca_key.pem", KEY_TEXT);
    Path modulePath = Files.createDirectories(dir.resolve("mp"));
    Files.createSymbolicLink(modulePath.resolve("evil"), elsewhere);
    link("modules/evil2", elsewhere);
    new Code(env).file("site.groovy", "");

    assertThat(errorsOf(() -> Compiler.forEnvironment(env, List.of(modulePath))))
        .containsExactlyInAnyOrder(
            "modules/evil2:0: modules/evil2 leads outside the directory of modules it is in"
                + " through a symbolic link (a module may only be a link to a directory inside it)",
            "evil:0: evil leads outside the directory of modules it is in through a symbolic"
                + " link (a module may only be a link to a directory inside it)");
  }

  @Test
  void linksThatStayInsideTheModuleOrEnvironmentAreFollowed() throws Exception {
    new Code(env)
        .file("modules/app/files/v2/app.conf", "version 2\n")
        .file("modules/app/lib/app.groovy",
            "klass('app') { file('/etc/from-lib', content: lookup('app::greeting')) }\n")
        .file("modules/app/templates/real.tpl", "hello ${node}\n")
        .file("modules/app/files/defaults.yaml", "app::greeting: hi\n")
        .file("shared/common.yaml", "motd: from shared\n")
        .file("manifests/site.groovy", """
            node('default') {
              include 'app'
              file('/etc/app.conf', source: 'app/current.conf')
              file('/etc/dir.conf', source: 'app/current/app.conf')
              file('/etc/tpl', content: template('app/link.tpl'))
              file('/etc/motd', content: lookup('motd'))
              file('/etc/tree', ensure: 'directory', recurse: true, source: 'app/current')
            }
            """);
    link("modules/app/files/current.conf", Path.of("v2/app.conf"));
    link("modules/app/files/current", Path.of("v2"));
    link("modules/app/templates/link.tpl", Path.of("real.tpl"));
    link("modules/app/manifests/init.groovy", Path.of("../lib/app.groovy"));
    link("modules/app/data/common.yaml", Path.of("../files/defaults.yaml"));
    link("data/common.yaml", Path.of("../shared/common.yaml"));
    link("site.groovy", Path.of("manifests/site.groovy"));

    Catalog catalog = new Code(env).environment().compile("n1", Code.debian());

    CatalogView view = CatalogView.of(catalog);
    view.resource("file[/etc/app.conf]").hasParameter("source", "app/current.conf")
        .hasParameter("checksum", sha256("version 2\n"));
    view.resource("file[/etc/dir.conf]").hasParameter("checksum", sha256("version 2\n"));
    view.resource("file[/etc/tree/app.conf]").hasParameter("checksum", sha256("version 2\n"));
    view.resource("file[/etc/tpl]").hasParameter("content", "hello n1\n");
    view.resource("file[/etc/motd]").hasParameter("content", "from shared");
    view.resource("file[/etc/from-lib]").hasParameter("content", "hi");
  }
}
