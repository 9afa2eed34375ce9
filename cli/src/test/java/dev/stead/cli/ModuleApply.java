package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Converges an environment that uses this repository's modules/ with {@code stead apply}, as
 * an operator would, and runs the shell commands the module tests check the machine with.
 */
final class ModuleApply {
  private ModuleApply() {}

  /** The repository's modules/ directory. */
  static Path modulePath() {
    return Path.of(System.getProperty("stead.home", "..")).resolve("modules").toAbsolutePath()
        .normalize();
  }

  /** Writes {@code text} to {@code env/relative}, creating directories. */
  static void write(Path env, String relative, String text) throws IOException {
    Path file = env.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /**
   * {@code stead apply ENV/site.groovy} with the modules, a state directory and a root, and
   * fixed facts of a Debian node: collecting this machine's takes seconds when it is busy.
   */
  static InProcess apply(Path env, Path root, Path state, String... more) {
    Path facts = env.resolve("facts.json");
    try {
      if (!Files.exists(facts)) {
        Files.writeString(facts, """
            {"os": {"family": "Debian", "name": "Debian"},
             "networking": {"hostname": "module", "fqdn": "module.test"}}
            """);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> args = new ArrayList<>(List.of("apply", env.resolve("site.groovy").toString(),
        "--modulepath", modulePath().toString(), "--root", root.toString(),
        "--state", state.toString(), "--certname", "module.test", "--facts", facts.toString()));
    args.addAll(List.of(more));
    return InProcess.run(args.toArray(String[]::new));
  }

  /** Asserts a run that changed nothing and found nothing to repair. */
  static void assertNoChanges(InProcess run) {
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).as(run.toString()).contains("0 changed, 0 failed, 0 skipped");
  }

  /**
   * Skips unless root (the test changes the real machine). A missing program skips too, except
   * on CI's throwaway machine, where it is a broken .ci/run and fails.
   */
  static void needsRootWith(String... programs) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: this test changes the real machine (CI runs it as root)");
    for (String p : programs) {
      boolean present = sh("command -v " + p).exit() == 0;
      if (System.getenv("CI") != null) {
        assertThat(present).as("needs %s installed: .ci/run must install it", p).isTrue();
      }
      assumeTrue(present, "needs " + p + " installed (see .ci/run)");
    }
  }

  /** Output and exit status of a shell line run on the real machine. */
  record Result(int exit, String out) {}

  static Result sh(String script) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + script);
    }
    return new Result(p.exitValue(), out);
  }

  /** Runs a shell line that must succeed; its output. */
  static String ok(String script) throws Exception {
    Result r = sh(script);
    assertThat(r.exit()).as("%s\n%s", script, r.out()).isZero();
    return r.out();
  }
}
