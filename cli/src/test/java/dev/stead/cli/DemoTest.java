package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** `stead demo` end to end, as the README's quick start runs it. */
class DemoTest {
  @Test
  void theDemoShowsOneIntendedChangeAndOneDriftRepairThenStopsCleanly() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int code = new Demo(Defaults.home(), out).run();

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text).isZero();
    assertThat(text)
        .contains("[1/8]").contains("[8/8]")
        .containsPattern("intended: file\\[/etc/motd\\] content sha256:\\w+… → sha256:\\w+…")
        .containsPattern("drift: file\\[" + Demo.TAMPERED + "\\] content sha256:\\w+… → sha256:\\w+… \\(repaired\\)")
        .contains("master stopped");
    Path root = Defaults.home().resolve("target/demo/root");
    assertThat(root.resolve("etc/motd")).content().contains("Hello again: the code changed");
    assertThat(root.resolve(Demo.TAMPERED.substring(1))).content().doesNotContain("3am");

    // The report ids it ends with open with `stead report` once the master runs again.
    assertThat(text).containsPattern(
        "report \\w{8}  \\S+ \\S+  changed\\s+\\d+ resources: 2 changed, 0 failed; "
            + "properties: 1 drift, 1 intended");
    Matcher open = Pattern.compile("stead report (\\w+) --data ").matcher(text);
    assertThat(open.find()).as(text).isTrue();
    Path demo = Defaults.home().resolve("target/demo");
    try (MasterProcess master = MasterProcess.start(demo.resolve("master"),
        demo.resolve("code"))) {
      InProcess report = InProcess.run("report", open.group(1), "--data",
          master.data.toString());
      assertThat(report.exitCode()).as(report.toString()).isZero();
      assertThat(report.out()).contains("node     " + Demo.NODE)
          .contains("properties: 1 drift, 1 intended");
    }
  }
}
