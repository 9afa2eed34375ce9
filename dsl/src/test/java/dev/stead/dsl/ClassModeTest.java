package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.Mode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mode} on classes: {@code mode: 'audit'} is {@code noop: true} by its name, in the
 * same places and with the same reach; {@code mode '0644'} in a resource body stays a file's
 * permission bits.
 */
class ClassModeTest {
  @TempDir Path dir;

  private CatalogView compile(String manifest) throws Exception {
    return CatalogView.of(new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian()));
  }

  private java.util.List<String> errors(String manifest) {
    return Code.errorsOf(() -> new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian()));
  }

  @Test
  void anAuditedIncludeMakesEverythingTheClassContainsNoop() throws Exception {
    CatalogView c = compile("""
        klass('inner') { file('/inner', content: 'i') }
        klass('app') { String port = '80' ->
          file('/etc/app.conf', content: port, mode: '0600')
          include 'inner'
        }
        klass('base') { file('/etc/motd', content: 'hi') }
        include 'app', port: '8080', mode: 'audit'
        include 'base', mode: 'enforce'
        """);

    c.resource("file[/etc/app.conf]").isNoop().hasParameter("content", "8080")
        .hasParameter("mode", "0600");
    c.resource("file[/inner]").isNoop();
    c.resource("file[/etc/motd]").isNotNoop();
    // A class's mode is code: the catalog's own mode is the operator's, set by the master.
    assertThat(c.catalog().getMode()).isEqualTo(Mode.MODE_UNSPECIFIED);
  }

  @Test
  void modeInABodyAppliesToWhatIsDeclaredAfterItAndFileModesStayPermissions() throws Exception {
    CatalogView c = compile("""
        klass('inner') { file('/inner', content: 'i') }
        klass('watched') {
          file('/before', content: 'b') { mode '0640' }
          mode 'audit'
          file('/after', content: 'a') { mode '0600' }
          include 'inner'
          file('/own', content: 'o', noop: false)
        }
        node('n1') {
          include 'watched'
          file('/node', content: 'n')
        }
        """);

    c.resource("file[/before]").isNotNoop().hasParameter("mode", "0640");
    c.resource("file[/after]").isNoop().hasParameter("mode", "0600");
    c.resource("file[/inner]").isNoop();
    // As with noop, a resource's own setting wins in code; only the node's mode overrides it.
    c.resource("file[/own]").isNotNoop();
    c.resource("file[/node]").isNotNoop();
  }

  @Test
  void modeEnforceInsideAnAuditedClassEnforcesWhatFollows() throws Exception {
    CatalogView c = compile("""
        klass('strict') { mode 'enforce'; file('/s', content: 's') }
        klass('outer') { file('/o', content: 'o'); include 'strict' }
        node('n1') { mode 'audit'; include 'outer' }
        """);

    c.resource("file[/o]").isNoop();
    c.resource("file[/s]").isNotNoop();
  }

  @Test
  void badModesAreErrorsAtTheirLine() {
    assertThat(errors("""
        klass('app') { file('/a', content: 'a') }
        klass('b') {
          mode 'noop'
        }
        include 'app', mode: 'audited'
        include 'b'
        klass('c') { file('/c', content: 'c') }
        include 'c', mode: 'audit', noop: true
        klass('d') { mode true }
        include 'd'
        """)).containsExactlyInAnyOrder(
            "m.groovy:3: mode must be 'audit' or 'enforce', got String noop",
            "m.groovy:5: mode of class 'app' must be 'audit' or 'enforce', got String audited",
            "m.groovy:8: class 'c' is given both mode and noop: give one (mode: 'audit' is"
                + " noop: true)",
            "m.groovy:9: mode must be 'audit' or 'enforce', got Boolean true");
  }

  @Test
  void includingAClassAgainWithAnotherModeIsAConflict() {
    assertThat(errors("""
        klass('app') { file('/a', content: 'a') }
        include 'app', mode: 'enforce'
        include 'app', mode: 'audit'
        """)).singleElement().satisfies(e -> assertThat(e)
            .startsWith("m.groovy:3: class 'app' is included with conflicting parameters:")
            .contains("{mode=audit} here"));
  }

  @Test
  void modeIsNoClassParameterName() {
    assertThat(errors("""
        klass('app') { String mode = '0644' -> file('/a', content: 'a', mode: mode) }
        include 'app'
        """)).contains("m.groovy:1: class 'app' cannot have a parameter named 'mode': mode is"
            + " a metaparameter (include 'app', mode: 'audit')");
  }

  @Test
  void aResourceTypeWithoutAModeParameterDoesNotTakeModeInItsBody() {
    assertThat(errors("""
        pkg('curl') { mode 'audit' }
        """)).singleElement().satisfies(e -> assertThat(e).startsWith("m.groovy:1:")
            .contains("mode"));
  }
}
