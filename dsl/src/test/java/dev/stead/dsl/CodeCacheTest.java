package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A load that finds its classes in the code cache behaves as the compile that wrote them. */
class CodeCacheTest {
  @TempDir Path dir;

  private Path env() {
    return dir.resolve("env");
  }

  private CodeCache cache() {
    return CodeCache.in(dir.resolve("data/code-cache"));
  }

  private Code code() {
    return new Code(env())
        .file("modules/web/manifests/vhost.groovy", """
            define('vhost') { int port = 80 ->
              file("/etc/sites/${title}.conf", content: "${title}:${port}\\n")
            }
            """)
        .file("modules/web/manifests/init.groovy", """
            klass('web') { String greeting = 'hello' ->
              file('/etc/motd', content: [greeting, trusted.certname].join(' ') + '\\n')
            }
            """)
        .file("modules/web/functions/util.groovy", """
            String shout(String s) { s.toUpperCase() + '!' }
            """)
        .file("site.groovy", """
            node('default') {
              include 'web'
              vhost('shop') { port 8080 }
              file('/etc/banner', content: web.shout(facts.os.family))
            }
            """);
  }

  private Compiler load() throws CompileException {
    return Compiler.forEnvironment(env(), List.of(), cache());
  }

  private Path cacheFile() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("data/code-cache"))) {
      return files.filter(p -> p.toString().endsWith(".classes")).findFirst().orElseThrow();
    }
  }

  private Path templatesFile() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("data/code-cache"))) {
      return files.filter(p -> p.toString().endsWith(".templates")).findFirst().orElseThrow();
    }
  }

  private void templatedCode(String motd) {
    new Code(env())
        .file("modules/app/templates/app.conf.erb",
            "name=<%= name %>\nport=<%= port %>\nextra=<%= extra.size() %>\n")
        .file("modules/app/templates/motd.erb", motd)
        .file("site.groovy", """
            node('default') {
              file('/etc/app.conf', content: template('app/app.conf.erb',
                  name: trusted.certname, port: 80,
                  extra: trusted.certname == 'broken' ? null : 'abc'))
              file('/etc/motd', content: template('app/motd.erb', who: 'ops'))
            }
            """);
  }

  private static String content(Catalog catalog, String title) {
    return catalog.getResourcesList().stream().filter(r -> r.getTitle().equals(title))
        .findFirst().orElseThrow().getParametersMap().get("content").getStringValue();
  }

  @Test
  void templatesRenderedOnceAreDefinedFromTheCacheAndAnEditedOneCompilesAgain()
      throws Exception {
    templatedCode("hello <%= who %>\n");
    Compiler first = load();
    Catalog compiled = first.compile("web01", Code.debian());
    List<String> errors = Code.errorsOf(() -> first.compile("broken", Code.debian()));
    assertThat(first.templatesFromCache()).isZero();
    assertThat(content(compiled, "/etc/app.conf")).isEqualTo("name=web01\nport=80\nextra=3\n");
    assertThat(errors).singleElement().asString()
        .startsWith("modules/app/templates/app.conf.erb:3: ");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(templatesFile())))
        .isEqualTo("rw-------");

    // A restarted master: both templates come from the cache, and say the same.
    Compiler second = load();
    assertThat(second.compile("web01", Code.debian())).isEqualTo(compiled);
    assertThat(second.templatesFromCache()).isEqualTo(2);
    assertThat(Code.errorsOf(() -> second.compile("broken", Code.debian())))
        .isEqualTo(errors);

    // An edited template is compiled again; the other one still comes from the cache.
    templatedCode("welcome, <%= who %>\n");
    Compiler edited = load();
    assertThat(content(edited.compile("web01", Code.debian()), "/etc/motd"))
        .isEqualTo("welcome, ops\n");
    assertThat(edited.templatesFromCache()).isEqualTo(1);
    Compiler again = load();
    again.compile("web01", Code.debian());
    assertThat(again.templatesFromCache()).isEqualTo(2);

    // A damaged file is ignored whole, and rewritten.
    Path file = templatesFile();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(file, bytes);
    Compiler damaged = load();
    assertThat(content(damaged.compile("web01", Code.debian()), "/etc/motd"))
        .isEqualTo("welcome, ops\n");
    assertThat(damaged.templatesFromCache()).isZero();
    Compiler rewritten = load();
    rewritten.compile("web01", Code.debian());
    assertThat(rewritten.templatesFromCache()).isEqualTo(2);
  }

  @Test
  void aSecondLoadDefinesEveryScriptFromTheCacheAndGivesTheSameCatalog() throws Exception {
    code();
    Compiler first = load();
    Catalog compiled = first.compile("web01", Code.debian());
    assertThat(first.scriptsFromCache()).isZero();
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("data/code-cache")))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheFile())))
        .isEqualTo("rw-------");

    Compiler second = load();
    assertThat(second.scriptsFromCache()).isEqualTo(4);
    assertThat(second.compile("web01", Code.debian())).isEqualTo(compiled);
    assertThat(second.codeVersion()).isEqualTo(first.codeVersion());
    assertThat(compiled.getResourcesList()).extracting(r -> r.getTitle())
        .contains("/etc/motd", "/etc/sites/shop.conf", "/etc/banner");
  }

  @Test
  void anEditedFileIsCompiledAgainAndTheFilesBeforeItStayCached() throws Exception {
    code();
    load();
    new Code(env()).file("modules/web/manifests/vhost.groovy", """
        define('vhost') { int port = 81 ->
          file("/etc/sites/${title}.conf", content: "${title} on ${port}\\n")
        }
        """);
    Compiler edited = load();
    // site.groovy and init.groovy come before vhost.groovy; vhost and util are compiled.
    assertThat(edited.scriptsFromCache()).isEqualTo(2);
    Catalog c = edited.compile("web01", Code.debian());
    assertThat(c.getResourcesList()).filteredOn(r -> r.getTitle().equals("/etc/sites/shop.conf"))
        .singleElement().satisfies(r -> assertThat(r.toString()).contains("shop on 8080"));
    assertThat(load().scriptsFromCache()).isEqualTo(4);
  }

  @Test
  void aDamagedOrTruncatedCacheIsIgnoredAndRewritten() throws Exception {
    code();
    Catalog compiled = load().compile("web01", Code.debian());
    Path file = cacheFile();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(file, bytes);
    Compiler damaged = load();
    assertThat(damaged.scriptsFromCache()).isZero();
    assertThat(damaged.compile("web01", Code.debian())).isEqualTo(compiled);
    assertThat(load().scriptsFromCache()).isEqualTo(4);

    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    assertThat(load().scriptsFromCache()).isZero();
    assertThat(load().scriptsFromCache()).isEqualTo(4);
  }

  @Test
  void aCacheOthersMayWriteIsNotRead() throws Exception {
    code();
    load();
    Files.setPosixFilePermissions(cacheFile(), PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(load().scriptsFromCache()).isZero();
  }

  @Test
  void errorsFromCachedClassesNameTheFileAndLine() throws Exception {
    new Code(env()).file("modules/app/manifests/app.groovy", """
        klass('app') {
          fiel('/etc/app.conf', content: 'x')
        }
        """).file("site.groovy", """
        node('default') {
          include 'app'
        }
        """);
    List<String> fresh = Code.errorsOf(() -> load().compile("n1", Code.debian()));
    Compiler cached = load();
    assertThat(cached.scriptsFromCache()).isEqualTo(2);
    assertThat(Code.errorsOf(() -> cached.compile("n1", Code.debian())))
        .isEqualTo(fresh)
        .containsExactly("modules/app/manifests/app.groovy:2: unknown resource type 'fiel'");
  }

  @Test
  void codeThatDoesNotCompileIsNotCachedAndFailsTheSameEveryTime() throws Exception {
    new Code(env()).file("site.groovy", "node('default') {\n  file('/a', content: 'x'))\n}\n");
    List<String> first = Code.errorsOf(this::load);
    assertThat(first).singleElement().asString().startsWith("site.groovy:2: ");
    assertThat(Code.errorsOf(this::load)).isEqualTo(first);
    assertThat(dir.resolve("data/code-cache")).doesNotExist();
  }

  @Test
  void codeWithHundredsOfClosuresLoadsFromTheCacheToTheSameCatalog() throws Exception {
    // Enough closure classes that their metaclasses are built on several threads.
    StringBuilder bodies = new StringBuilder("klass('many') {\n");
    for (int i = 0; i < 300; i++) {
      bodies.append("  file('/etc/many/").append(i).append("') { content facts.os.family")
          .append(" + '-").append(i).append("'.toUpperCase(); mode '0644' }\n");
    }
    new Code(env()).file("modules/many/manifests/init.groovy", bodies.append("}\n").toString())
        .file("modules/many/functions/shapes.groovy", """
            class Shape { String name; String label() { name.toUpperCase() } }
            String label(String n) { new Shape(name: n).label() }
            """)
        .file("site.groovy", """
            node('default') {
              include 'many'
              file('/etc/shape', content: many.label('square'))
            }
            """);
    Catalog compiled = load().compile("n1", Code.debian());
    Compiler cached = load();
    assertThat(cached.scriptsFromCache()).isEqualTo(3);
    assertThat(cached.compile("n1", Code.debian())).isEqualTo(compiled);
    assertThat(compiled.getResourcesList()).hasSize(301);
    assertThat(compiled.getResourcesList()).filteredOn(r -> r.getTitle().equals("/etc/many/299"))
        .singleElement().satisfies(r -> assertThat(r.toString()).contains("Debian-299"));
    assertThat(compiled.getResourcesList()).filteredOn(r -> r.getTitle().equals("/etc/shape"))
        .singleElement().satisfies(r -> assertThat(r.toString()).contains("SQUARE"));
  }
}
