package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The picocli-free parser of `stead apply` agrees with picocli, or hands over to it. */
class FastApplyTest {
  private static List<Object> fields(ApplyCommand c) {
    return List.of(String.valueOf(c.manifest), c.root, c.state, c.noop, c.modulePath,
        String.valueOf(c.facts), String.valueOf(c.certname), c.noCatalogCache,
        c.resourceTimeout, c.json);
  }

  private static ApplyCommand picocli(String... args) {
    ApplyCommand c = new ApplyCommand();
    new CommandLine(c).parseArgs(Arrays.copyOfRange(args, 1, args.length));
    return c;
  }

  @Test
  void fillsTheSameFieldsAsPicocliForWellFormedCommandLines() {
    List<String[]> lines = List.of(
        new String[] {"apply", "site.groovy"},
        new String[] {"apply", "site.groovy", "--root", "/r", "--state", "/s", "--certname",
            "n.example", "--noop", "--json", "--no-catalog-cache"},
        new String[] {"apply", "--root=/r", "site.groovy", "--modulepath", "/a:/b",
            "--modulepath", "/c", "--facts", "f.json", "--resource-timeout", "5m"},
        new String[] {"apply", "--resource-timeout=500ms", "x.groovy"});
    for (String[] args : lines) {
      ApplyCommand fast = FastApply.parse(args);
      assertThat(fast).as(String.join(" ", args)).isNotNull();
      assertThat(fields(fast)).as(String.join(" ", args)).isEqualTo(fields(picocli(args)));
    }
  }

  @Test
  void leavesEveryUnusualCommandLineToPicocli() {
    List<String[]> lines = List.of(
        new String[] {"apply"},
        new String[] {"apply", "--help"},
        new String[] {"apply", "a.groovy", "b.groovy"},
        new String[] {"apply", "a.groovy", "--root"},
        new String[] {"apply", "a.groovy", "--root", "/a", "--root", "/b"},
        new String[] {"apply", "a.groovy", "--noop", "--noop"},
        new String[] {"apply", "a.groovy", "--noop=true"},
        new String[] {"apply", "a.groovy", "--resource-timeout", "0"},
        new String[] {"apply", "a.groovy", "--certname", "--noop"},
        new String[] {"apply", "a.groovy", "--bogus"},
        new String[] {"apply", "@args.txt"});
    for (String[] args : lines) {
      assertThat(FastApply.parse(args)).as(String.join(" ", args)).isNull();
    }
  }

  @Test
  void aBadCommandLineStillGetsPicoclisMessageAndExitCode() {
    InProcess run = InProcess.run("apply", "a.groovy", "--resource-timeout", "soon");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("`soon` is not a duration").contains("Try `stead apply --help`");
  }
}
