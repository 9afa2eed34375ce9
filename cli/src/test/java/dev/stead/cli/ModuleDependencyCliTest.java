package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unmet module dependency stops `stead validate` and `stead apply` before anything runs. */
class ModuleDependencyCliTest {
  @TempDir Path tmp;

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void validateAndApplyNameBothModulesAndTheLine() throws Exception {
    Path env = tmp.resolve("env");
    write(env.resolve("site.groovy"), "node('default') { include 'app' }\n");
    write(env.resolve("modules/app/manifests/app.groovy"),
        "klass('app') { file('/etc/app.conf', content: \"app\\n\") }\n");
    write(env.resolve("modules/app/module.yaml"), "name: app\nversion: 1.0.0\n"
        + "dependencies:\n  - name: base\n    version: \">=2.0.0\"\n");
    write(env.resolve("modules/base/module.yaml"), "name: base\nversion: 1.4.0\n");
    write(env.resolve("modules/base/manifests/base.groovy"), "klass('base') { }\n");
    Files.createDirectories(tmp.resolve("root/etc"));
    String expected = "modules/app/module.yaml:4: module 'app' depends on module 'base' "
        + ">=2.0.0, but 'base' is version 1.4.0";

    InProcess validate = InProcess.run("validate", env.toString());
    assertThat(validate.exitCode()).isEqualTo(1);
    assertThat(validate.err()).contains(expected);

    InProcess apply = InProcess.run("apply", env.resolve("site.groovy").toString(), "--root",
        tmp.resolve("root").toString(), "--state", tmp.resolve("state").toString());
    assertThat(apply.exitCode()).as(apply.toString()).isNotIn(0, 2);
    assertThat(apply.err()).contains(expected);
    assertThat(tmp.resolve("root/etc/app.conf")).doesNotExist();

    write(env.resolve("modules/base/module.yaml"), "name: base\nversion: 2.0.0\n");
    assertThat(InProcess.run("validate", env.toString()).exitCode()).isZero();
    InProcess applied = InProcess.run("apply", env.resolve("site.groovy").toString(), "--root",
        tmp.resolve("root").toString(), "--state", tmp.resolve("state").toString());
    assertThat(applied.exitCode()).as(applied.toString()).isEqualTo(2);
    assertThat(tmp.resolve("root/etc/app.conf")).hasContent("app\n");
  }
}
