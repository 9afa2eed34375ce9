package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stead validate} as a user runs it: every error of the environment, each at file:line. */
class ValidateCommandTest {
  @TempDir Path env;

  private void write(String relative, String text) throws Exception {
    Path file = env.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void dataThatOnlySomeNodesReadIsCheckedAndEveryErrorIsShown() throws Exception {
    write("modules/webapp/manifests/webapp.groovy",
        "klass('webapp') { int workers, int port = 80 -> }\n");
    write("data/common.yaml", "webapp::workers: 4\n");
    write("data/os/RedHat.yaml", "webapp::workers: eight\nwebapp::port: http\n");
    write("data.yaml", "hierarchy:\n  - {name: os, path: \"os/${facts.os.family}.yaml\"}\n"
        + "  - {name: common, path: common.yaml}\n");
    write("site.groovy", "node('default') { include 'webapp' }\n");
    InProcess run = InProcess.run("validate", env.toString());
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains(
        "data/os/RedHat.yaml:1: 'webapp::workers': parameter 'workers' of class 'webapp' must be"
            + " int, got a string 'eight'\n"
            + "data/os/RedHat.yaml:2: 'webapp::port': parameter 'port' of class 'webapp' must be"
            + " int, got a string 'http'")
        .contains("stead validate: warning: data.yaml:2: level 'os': ${...} in"
            + " 'os/${facts.os.family}.yaml' is deprecated");

    write("data/os/RedHat.yaml", "webapp::workers: 8\n");
    InProcess fixed = InProcess.run("validate", env.toString());
    assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
  }
}
