package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.Compiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `stead validate` on an environment using the hardening, sshd and logging modules: their
 * own data fits their class parameters, and each node block compiles without facts.
 */
class DutyModulesValidateTest {
  @TempDir Path env;

  @Test
  void anEnvironmentUsingTheModulesValidates() throws Exception {
    Files.createDirectories(env.resolve("data"));
    Files.writeString(env.resolve("data/common.yaml"), """
        logging::server: logs.example.com
        hardening::exceptions: [cis_3_3_1]
        hardening::cis_5_1_7::interval: 300
        sshd::settings: {PasswordAuthentication: no}
        """);
    Files.writeString(env.resolve("site.groovy"), """
        node('default') { include 'hardening'; include 'sshd'; include 'logging' }
        node(~/^legacy/) { include 'hardening', mode: 'audit' }
        """);
    assertThat(Compiler.validate(env, List.of(ModuleFixture.modulesDir()))).isEmpty();
  }

  @Test
  void dataOfTheWrongTypeForAControlIsFound() throws Exception {
    Files.createDirectories(env.resolve("data"));
    Files.writeString(env.resolve("data/common.yaml"), "hardening::cis_5_1_16::tries: four\n");
    Files.writeString(env.resolve("site.groovy"), "node('default') { include 'hardening' }\n");
    assertThat(Compiler.validate(env, List.of(ModuleFixture.modulesDir())))
        .anySatisfy(e -> assertThat(e.getMessage()).contains("hardening::cis_5_1_16::tries"));
  }
}
