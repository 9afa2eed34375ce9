package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** module.yaml is checked when the code loads: every dependency present, in range. */
class ModuleDependencyTest {
  @TempDir java.nio.file.Path dir;

  private Code code() {
    return new Code(dir).file("site.groovy", "node('default') { include 'ntp' }\n")
        .file("modules/ntp/manifests/ntp.groovy", "klass('ntp') { notice('ntp') }\n")
        .file("modules/base/manifests/base.groovy", "klass('base') { }\n");
  }

  private static final String NTP_NEEDS_BASE_1 = """
      name: ntp
      version: 1.2.0
      summary: Keeps time
      dependencies:
        - name: base
          version: ">=1.0.0 <2.0.0"
      """;

  @Test
  void metDependenciesLoad() throws Exception {
    Code c = code().file("modules/ntp/module.yaml", NTP_NEEDS_BASE_1)
        .file("modules/base/module.yaml", "name: base\nversion: 1.4.2\n");
    assertThat(c.environment().compile("web01", Code.debian()).getClassesList())
        .contains("ntp");
  }

  @Test
  void anIncompatibleVersionNamesBothModulesAtTheDependencysLine() {
    Code c = code().file("modules/ntp/module.yaml", NTP_NEEDS_BASE_1)
        .file("modules/base/module.yaml", "name: base\nversion: 2.0.0\n");
    assertThat(Code.errorsOf(c::environment)).containsExactly("modules/ntp/module.yaml:5: "
        + "module 'ntp' depends on module 'base' >=1.0.0 <2.0.0, but 'base' is version 2.0.0");
  }

  @Test
  void aMissingModuleIsAnError() {
    Code c = new Code(dir).file("site.groovy", "node('default') { include 'ntp' }\n")
        .file("modules/ntp/manifests/ntp.groovy", "klass('ntp') { }\n")
        .file("modules/ntp/module.yaml", NTP_NEEDS_BASE_1);
    assertThat(Code.errorsOf(c::environment)).containsExactly("modules/ntp/module.yaml:5: "
        + "module 'ntp' depends on module 'base' >=1.0.0 <2.0.0, which is not on the module "
        + "path");
  }

  @Test
  void aDependencyWithoutMetadataMatchesOnlyAnyVersion() throws Exception {
    Code c = code().file("modules/ntp/module.yaml", NTP_NEEDS_BASE_1);
    assertThat(Code.errorsOf(c::environment)).containsExactly("modules/ntp/module.yaml:5: "
        + "module 'ntp' depends on module 'base' >=1.0.0 <2.0.0, but 'base' has no module.yaml"
        + " to say its version");
    c.file("modules/ntp/module.yaml", "name: ntp\nversion: 1.0.0\ndependencies:\n"
        + "  - name: base\n");
    c.environment();
  }

  @Test
  void aModuleOfMetadataAloneCountsAsPresent() throws Exception {
    Code c = code().file("modules/ntp/module.yaml", NTP_NEEDS_BASE_1)
        .file("modules/stack/module.yaml", "name: stack\nversion: 1.0.0\ndependencies:\n"
            + "  - name: ntp\n    version: 1.x\n")
        .file("modules/base/module.yaml", "name: base\nversion: 1.0.0\n");
    c.environment();
    c.file("modules/ntp/module.yaml", NTP_NEEDS_BASE_1.replace("1.2.0", "2.0.0"));
    assertThat(Code.errorsOf(c::environment)).containsExactly("modules/stack/module.yaml:4: "
        + "module 'stack' depends on module 'ntp' 1.x, but 'ntp' is version 2.0.0");
  }

  @Test
  void aMalformedFileFailsTheLoadAtItsLine() {
    Code c = code().file("modules/base/module.yaml", "name: base\nversion: one\n");
    assertThat(Code.errorsOf(c::environment)).containsExactly("modules/base/module.yaml:2: "
        + "version 'one' is not a version: expected MAJOR.MINOR.PATCH such as 1.2.0 "
        + "(optionally with -prerelease, e.g. 2.0.0-rc1)");
  }

  @Test
  void aNameOtherThanTheDirectoryIsRefused() {
    Code c = code().file("modules/base/module.yaml", "name: app\nversion: 1.0.0\n");
    assertThat(Code.errorsOf(c::environment)).singleElement().asString()
        .startsWith("modules/base/module.yaml:1: name 'app' differs from the module's "
            + "directory 'base'");
  }

  @Test
  void theMetadataIsPartOfTheCodeVersion() throws Exception {
    Code c = code().file("modules/base/module.yaml", "name: base\nversion: 1.0.0\n");
    String before = c.environment().compile("web01", Code.debian()).getCodeVersion();
    c.file("modules/base/module.yaml", "name: base\nversion: 1.0.1\n");
    assertThat(c.environment().compile("web01", Code.debian()).getCodeVersion())
        .isNotEqualTo(before);
  }
}
