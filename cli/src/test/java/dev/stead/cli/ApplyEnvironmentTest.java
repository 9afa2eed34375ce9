package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.FactCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stead apply} reads the manifest's directory as an environment, as the agent's
 * master would: data.yaml, data/, modules/, custom facts from facts.d, and the node named
 * as the agent names it.
 */
class ApplyEnvironmentTest {
  @TempDir Path tmp;

  private Path env() throws Exception {
    Path env = tmp.resolve("env");
    write(env.resolve("site.groovy"), """
        node('default') {
          include 'motd'
          file('/etc/who') { content "${node} ${facts.networking.fqdn}\\n" }
        }
        """);
    write(env.resolve("data.yaml"), """
        hierarchy:
          - {name: per team, path: "teams/%{facts.team}.yaml"}
          - {name: common,   path: common.yaml}
        """);
    write(env.resolve("data/common.yaml"), "motd::text: \"hello from %{facts.team}\"\n");
    write(env.resolve("modules/motd/manifests/motd.groovy"), """
        klass('motd') { String text, String suffix ->
          file('/etc/motd') { content text + suffix + '\\n' }
        }
        """);
    write(env.resolve("modules/motd/data/common.yaml"), "motd::suffix: '!'\n");
    // STATE/../facts.d, as for the agent with a non-default --state
    write(tmp.resolve("facts.d/team.yaml"), "team: blue\n");
    Files.createDirectories(tmp.resolve("root/etc"));
    return env;
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private InProcess apply(Path env) {
    return InProcess.run("apply", env.resolve("site.groovy").toString(), "--root",
        tmp.resolve("root").toString(), "--state", tmp.resolve("state").toString());
  }

  @Test
  void readsTheDataAndModulesBesideTheManifestAndFactsDLikeTheAgent() throws Exception {
    Path env = env();
    InProcess run = apply(env);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(tmp.resolve("root/etc/motd")).hasContent("hello from blue!");
    String fqdn = FactCollector.defaultCertname();
    assertThat(tmp.resolve("root/etc/who")).hasContent(fqdn + " " + fqdn);

    // A data change is a new catalog, not the cached one.
    write(env.resolve("data/teams/blue.yaml"), "motd::text: team blue\n");
    InProcess again = apply(env);
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
    assertThat(tmp.resolve("root/etc/motd")).hasContent("team blue!");
  }

  @Test
  void aDeprecatedPathSyntaxWorksAndSaysHowToWriteIt() throws Exception {
    Path env = env();
    write(env.resolve("data.yaml"), """
        hierarchy:
          - {name: per team, path: "teams/${facts.team}.yaml"}
          - {name: common,   path: common.yaml}
        """);
    write(env.resolve("data/teams/blue.yaml"), "motd::text: team blue\n");
    InProcess run = apply(env);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(tmp.resolve("root/etc/motd")).hasContent("team blue!");
    assertThat(run.err()).contains("stead apply: warning: data.yaml:2: level 'per team': ${...}"
        + " in 'teams/${facts.team}.yaml' is deprecated; write %{...} as Hiera does:"
        + " 'teams/%{facts.team}.yaml'");
  }
}
