package dev.stead.agent.resource.cron;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Resource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An `@daily` entry with environment lines in a throwaway user's real crontab. */
class CronSpecialContractTest extends ResourceTypeContract {
  private final String user = UNIQUE.replace('-', '_') + "c";

  @BeforeEach
  void user() {
    assumeRootWith("crontab", "useradd");
    assertThat(sh("useradd -M " + user).ok()).isTrue();
    assertThat(sh("printf '# theirs\\n*/5 * * * * true\\n' | crontab -u " + user + " -").ok())
        .isTrue();
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("cron", "nightly backup", "user", user, "special", "daily",
        "environment", List.of("MAILTO=ops@example.com", "PATH=/usr/bin:/bin"),
        "command", "/usr/bin/true --backup"));
  }

  @Override
  protected void verifyConverged() {
    assertThat(sh("crontab -l -u " + user).stdout()).isEqualTo(
        "# theirs\n*/5 * * * * true\n# stead: nightly backup\nMAILTO=ops@example.com\n"
            + "PATH=/usr/bin:/bin\n@daily /usr/bin/true --backup\n");
  }

  @Override
  protected void tamper() {
    assertThat(sh("crontab -l -u " + user + " | sed -e 's/^@daily /@hourly /'"
        + " -e 's/^MAILTO=.*/MAILTO=mallory@example.com/' | crontab -u " + user + " -")
        .ok()).isTrue();
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(Path.of("/var/spool/cron/crontabs/" + user));
  }

  @Override
  protected void cleanUp() {
    sh("crontab -r -u " + user + "; userdel " + user);
  }

  @Test
  void specialExcludesTheTimeFields() {
    assertThatThrownBy(() -> new CronType().bind(resource("cron", "x", "special", "daily",
        "hour", "3", "command", "true")))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("`special` and `hour` exclude each other");
    assertThatThrownBy(() -> new CronType().bind(resource("cron", "x", "environment",
        List.of("not a variable"), "command", "true")))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("`environment` must be one line NAME=value");
  }
}
