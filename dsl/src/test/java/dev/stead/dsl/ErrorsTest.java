package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorsTest {
  @TempDir Path dir;

  private java.util.List<String> errors(String manifest) throws Exception {
    Compiler c = new Code(dir).file("m.groovy", manifest).manifest("m.groovy");
    return Code.errorsOf(() -> c.compile("n1", Code.debian()));
  }

  @Test
  void unknownTypeAtTheCallersLineInAModule() throws Exception {
    Code code = new Code(dir)
        .file("modules/app/manifests/app.groovy", "klass('app') {\n  fiel('/etc/x')\n}\n")
        .file("site.groovy", "node('default') {\n  include 'app'\n}\n");
    Compiler c = code.environment();
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian())))
        .containsExactly("modules/app/manifests/app.groovy:2: unknown resource type 'fiel'");
  }

  @Test
  void badParametersAreAllReportedWithTheirLines() throws Exception {
    assertThat(errors("""
        file('/etc/a') {
          contnet 'x'
          ensure 'fiel'
          mode 644
        }
        file('/etc/b', mode: '99')
        file('relative', content: 'x')
        """)).containsExactly(
        "m.groovy:2: unknown parameter 'contnet' for file[/etc/a] (known: ensure, content,"
            + " source, checksum, source_ca, mode, owner, group, target, force, recurse, purge,"
            + " recurselimit,"
            + " replace, validate_cmd, show_diff, requires, before, notifies, subscribes, noop,"
            + " tag)",
        "m.groovy:3: parameter 'ensure' of file[/etc/a] must be one of file, directory, link,"
            + " absent, got 'fiel'",
        "m.groovy:4: parameter 'mode' of file[/etc/a] must be a string, got Integer 644 (write"
            + " the mode as a quoted octal string, e.g. '0644')",
        "m.groovy:6: parameter 'mode' of file[/etc/b] must be an octal string of 3 or 4 digits,"
            + " e.g. '0644' (setuid, setgid and sticky bits are not supported), got '99'",
        "m.groovy:7: file path 'relative' must be absolute");
  }

  @Test
  void syntaxErrorsNameFileAndLine() throws Exception {
    new Code(dir).file("site.groovy", "node('default') {\n  file('/x', content: )\n}\n")
        .file("modules/m/manifests/m.groovy", "klass('m') {\n\n  def = \n}\n");
    assertThat(Code.errorsOf(() -> new Code(dir).environment()))
        .hasSize(2)
        .anySatisfy(e -> assertThat(e).startsWith("site.groovy:2: unexpected ')'")
            .contains("\n      file('/x', content: )\n"))
        .anySatisfy(e -> assertThat(e).startsWith("modules/m/manifests/m.groovy:3:"));
  }

  @Test
  void duplicateNamesBothLocations() throws Exception {
    assertThat(errors("file('/x', content: 'a')\n\nfile('/x', content: 'b')\n")).containsExactly(
        "m.groovy:3: duplicate declaration of file[/x]: first declared at m.groovy:1, again at"
            + " m.groovy:3");
  }

  @Test
  void danglingReferenceAtTheDeclaringLine() throws Exception {
    assertThat(errors("file('/x') {\n  content 'a'\n  requires file('/missing')\n}\n"))
        .containsExactly("m.groovy:3: file[/x] requires file[/missing], which is not declared in"
            + " this catalog");
  }

  @Test
  void cycleIsListed() throws Exception {
    assertThat(errors("""
        file('/a', content: 'a', requires: file('/b'))
        file('/b', content: 'b', requires: file('/c'))
        file('/c', content: 'c', requires: file('/a'))
        """)).containsExactly(
        "m.groovy:3: dependency cycle: file[/a] -> file[/c] -> file[/b] -> file[/a]");
  }

  @Test
  void conflictingIncludeArgumentsNameBothPlaces() throws Exception {
    assertThat(errors("""
        klass('c') { String p = 'd' -> }
        include 'c', p: 'one'
        include 'c', p: 'two'
        """)).containsExactly("m.groovy:3: class 'c' is included with conflicting parameters:"
        + " {p=two} here, {p=one} at m.groovy:2");
  }

  @Test
  void classErrors() throws Exception {
    assertThat(errors("""
        klass('c') { String p -> }
        include 'nope'
        include 'c', q: 1
        """)).containsExactly(
        "m.groovy:2: unknown class 'nope'",
        "m.groovy:3: class 'c' has no parameter 'q' (it has p)",
        "m.groovy:3: class 'c' needs parameter 'p': not passed, and no data for 'c::p' in"
            + " data/nodes/n1.yaml, data/os/Debian.yaml, data/common.yaml");
  }

  @Test
  void wrongClassParameterType() throws Exception {
    assertThat(errors("klass('c') { int n -> }\ninclude 'c', n: 'many'\n")).containsExactly(
        "m.groovy:2: parameter 'n' of class 'c' must be int, got String many");
  }

  @Test
  void runtimeExceptionAtTheUsersLine() throws Exception {
    assertThat(errors("klass('c') {\n  def x = null\n  x.length()\n}\ninclude 'c'\n"))
        .singleElement().asString().startsWith("m.groovy:3: ");
  }

  @Test
  void contradictoryFileParameters() throws Exception {
    assertThat(errors("file('/l', ensure: 'link')\nfile('/d', ensure: 'directory', content: 'x')\n"))
        .containsExactly("m.groovy:1: file[/l] has ensure 'link' but no target",
            "m.groovy:2: file[/d] has content but ensure 'directory': content needs ensure 'file'");
  }

  @Test
  void aLineInAFileWhoseWholeContentIsManagedIsRefusedNamingBoth() throws Exception {
    assertThat(errors("""
        file('/etc/app.conf') { content 'a = 1\\n' }
        line('app-b') { path '/etc/app.conf'; line 'b = 2' }
        line('motd') { path '/etc/motd'; line 'hello' }
        file('/etc/motd') { mode '0644' }
        """)).containsExactly("m.groovy:2: line[app-b] edits /etc/app.conf, whose whole content"
            + " file[/etc/app.conf] sets at m.groovy:1: each would undo the other on every run;"
            + " put the line into the file's content instead");
  }
}
