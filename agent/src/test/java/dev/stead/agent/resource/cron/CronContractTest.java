package dev.stead.agent.resource.cron;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real crontab of a throwaway user, through the real crontab command. */
class CronContractTest extends ResourceTypeContract {
  private final String user = UNIQUE.replace('-', '_');

  @BeforeEach
  void user() {
    assumeRootWith("crontab", "useradd");
    assertThat(sh("useradd -M " + user).ok()).isTrue();
    assertThat(sh("printf '# theirs\\n@daily true\\n' | crontab -u " + user + " -").ok())
        .isTrue();
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("cron", "rotate logs", "user", user, "minute", "5",
        "hour", "*/2", "command", "/usr/bin/true --rotate"));
  }

  @Override
  protected void verifyConverged() {
    assertThat(sh("crontab -l -u " + user).stdout()).isEqualTo(
        "# theirs\n@daily true\n# stead: rotate logs\n5 */2 * * * /usr/bin/true --rotate\n");
  }

  @Override
  protected void tamper() {
    assertThat(sh("crontab -l -u " + user + " | sed 's/^5 /7 /' | crontab -u " + user + " -")
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

  /** `ensure absent` removes the marked entry and nothing else of the user's crontab. */
  @Test
  void ensureAbsentRemovesTheEntryOnly() {
    Report made = converge(catalog(), false);
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    verifyConverged();

    var absent = Catalogs4Test.catalog()
        .resource(resource("cron", "rotate logs", "user", user, "ensure", "absent")).build();
    Report removed = converge(absent, false);
    assertThat(events(removed)).as(removed.toString()).singleElement()
        .satisfies(e -> assertThat(e.getAfter()).isEqualTo("absent"));
    assertThat(sh("crontab -l -u " + user).stdout()).isEqualTo("# theirs\n@daily true\n");

    Report again = converge(absent, false);
    assertThat(again.getResourcesList()).as(again.toString()).isEmpty();
    assertThat(sh("crontab -l -u " + user).stdout()).isEqualTo("# theirs\n@daily true\n");
  }
}
