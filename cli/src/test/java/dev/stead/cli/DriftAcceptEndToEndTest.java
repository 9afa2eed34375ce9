package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.stead.master.AdminClient;
import dev.stead.proto.v1.AcceptDriftResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accepting drift through real processes: a node in audit mode reports a file's mode and
 * content changed by hand as pending; `stead drift accept` prints a patch of the data file
 * the values came from; applied with `git apply` to a checkout of the code and deployed, the
 * next run finds the file in sync and changes nothing. A value set in code gets a snippet
 * naming the declaration. Bad input is refused and records nothing; every decision, and
 * each mode change, is a row of the audit trail.
 */
class DriftAcceptEndToEndTest {
  private static final String NODE = "web1.test";
  private static final String COMMON = """
      # Message of the day, for every node.
      motd::content: |
        hello
      motd::mode: '0644'   # world-readable
      other::key: kept
      """;
  @TempDir Path tmp;

  @Test
  void anAcceptedValueBecomesTheIntendedOneOnceThePatchIsApplied() throws Exception {
    Path served = Files.createDirectories(tmp.resolve("served"));
    Files.writeString(served.resolve("site.groovy"), """
        node('web1.test') {
          file('/etc/motd', content: lookup('motd::content'), mode: lookup('motd::mode'))
          file('/etc/issue', content: 'welcome\\n', mode: '0644')
        }
        """);
    Files.createDirectories(served.resolve("data"));
    Files.writeString(served.resolve("data/common.yaml"), COMMON);
    Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
    Path motd = root.resolve("etc/motd");
    Path issue = root.resolve("etc/issue");
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), served,
        "--autosign", "*.test")) {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      List<String> run = List.of("agent", "run", "--once", "--server", master.address,
          "--certname", NODE, "--state", tmp.resolve("state").toString(),
          "--root", root.toString(), "--ca-fingerprint", fingerprint);
      assertThat(Cli.run(run.toArray(String[]::new)).exitCode()).isEqualTo(2);
      assertThat(motd).hasContent("hello");

      // Nothing drifted yet: nothing to accept (other refusals: DriftAcceptTest).
      assertRefused(master, accept("--property", "mode"), "shows no drift in the newest run");

      master.stead("node", "set", NODE, "mode=audit");
      Files.writeString(motd, "hello\nedited by hand\n");
      Files.setPosixFilePermissions(motd, PosixFilePermissions.fromString("rw-------"));
      Files.setPosixFilePermissions(issue, PosixFilePermissions.fromString("rw-------"));
      Cli audited = Cli.run(run.toArray(String[]::new));
      assertThat(audited.output()).as(audited.toString()).contains("file[/etc/motd]");
      assertThat(master.stead("drift", "review").output())
          .containsPattern("file\\[/etc/motd\\]\\s+mode\\s+pending")
          .containsPattern("file\\[/etc/motd\\]\\s+content\\s+pending");

      Out mode = steadStdout(master, accept("--property", "mode", "--reason",
          "0600 on purpose: INC-9"));
      assertThat(mode.stdout()).isEqualTo("""
          diff --git a/data/common.yaml b/data/common.yaml
          --- a/data/common.yaml
          +++ b/data/common.yaml
          @@ -1,5 +1,5 @@
           # Message of the day, for every node.
           motd::content: |
             hello
          -motd::mode: '0644'   # world-readable
          +motd::mode: '0600'   # world-readable
           other::key: kept
          """);
      assertThat(mode.stderr()).contains("data key motd::mode in data/common.yaml:4");
      // A value written in code: a snippet naming the declaration.
      Out json = steadStdout(master, accept("--resource", "file[/etc/issue]",
          "--property", "mode", "--json"));
      AcceptDriftResponse.Builder snippet = AcceptDriftResponse.newBuilder();
      JsonFormat.parser().merge(json.stdout(), snippet);
      assertThat(snippet.getSnippet()).isEqualTo("""
          # site.groovy:3: in file[/etc/issue], set mode to the value the node has:
          mode: '0600'
          """);
      assertThat(snippet.getPatch()).isEmpty();
      assertThat(snippet.getValue()).isEqualTo("0600");
      assertThat(snippet.getDesired()).isEqualTo("0644");
      assertThat(snippet.getDecidedBy()).isEqualTo("stead-admin");

      // The operator's checkout: the patch applies with git and changes nothing else.
      Path checkout = tmp.resolve("checkout");
      copy(served, checkout);
      git(checkout, "init", "-q");
      git(checkout, "add", ".");
      git(checkout, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q",
          "-m", "code");
      apply(checkout, served, mode.stdout());
      // The next accept is made against the code as deployed now.
      Out content = steadStdout(master, accept("--property", "content"));
      assertThat(content.stdout()).contains("""
           motd::content: |
             hello
          +  edited by hand
           motd::mode: '0600'   # world-readable
          """);
      apply(checkout, served, content.stdout());
      assertThat(git(checkout, "diff", "--name-only")).isEqualTo("data/common.yaml\n");
      assertThat(checkout.resolve("data/common.yaml")).hasContent(COMMON
          .replace("motd::mode: '0644'", "motd::mode: '0600'")
          .replace("  hello\n", "  hello\n  edited by hand\n"));
      Files.setPosixFilePermissions(issue, PosixFilePermissions.fromString("rw-r--r--"));

      master.stead("node", "unset", NODE, "mode");
      Cli after = Cli.run(run.toArray(String[]::new));
      assertThat(after.exitCode()).as(after.toString()).isZero();
      assertThat(after.output()).doesNotContain("drift:");
      assertThat(motd).hasContent("hello\nedited by hand");
      assertThat(Files.getPosixFilePermissions(motd))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(master.stead("drift", "review").output())
          .contains("no drift awaiting a decision");

      List<String> rows = master.stead("audit", "--since", "1h").output().lines()
          .filter(l -> l.contains(",decision,")).toList();
      assertThat(rows).filteredOn(r -> r.contains(",decision,accept,")).hasSize(3)
          .anySatisfy(r -> assertThat(r).contains("web1.test,file[/etc/motd],mode,decision,"
              + "accept,false,0644,0600,").endsWith(",stead-admin,,0600 on purpose: INC-9,"));
      assertThat(rows).filteredOn(r -> r.contains(",decision,mode,")).satisfiesExactly(
          unset -> assertThat(unset).contains(",web1.test,,mode,decision,mode,false,audit,"
              + "enforce,").contains(",stead-admin,"),
          set -> assertThat(set).contains(",web1.test,,mode,decision,mode,false,enforce,"
              + "audit,").contains(",stead-admin,"));
    }
  }

  /** Applies {@code patch} to the checkout with git, then deploys the data file it changed. */
  private void apply(Path checkout, Path served, String patch) throws Exception {
    Path file = Files.createTempFile(tmp, "accept", ".patch");
    Files.writeString(file, patch);
    git(checkout, "apply", file.toString());
    // The master reads the changed code on its next compile.
    Files.copy(checkout.resolve("data/common.yaml"), served.resolve("data/common.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static String[] accept(String... options) {
    Map<String, String> given = new LinkedHashMap<>(Map.of(
        "--node", NODE, "--resource", "file[/etc/motd]", "--property", "mode"));
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < options.length; i++) {
      if (options[i].equals("--json")) {
        flags.add(options[i]);
      } else {
        given.put(options[i], options[++i]);
      }
    }
    List<String> args = new ArrayList<>(List.of("drift", "accept"));
    given.forEach((option, value) -> args.addAll(List.of(option, value)));
    args.addAll(flags);
    return args.toArray(String[]::new);
  }

  private static void assertRefused(MasterProcess master, String[] args, String message)
      throws Exception {
    Cli cli = master.steadMayFail(args);
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
    assertThat(cli.output()).contains(message);
  }

  private record Out(String stdout, String stderr) {}

  /** {@code stead ARGS --data DATA}, its standard output kept apart, as `> file` would. */
  private Out steadStdout(MasterProcess master, String[] args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data", master.data.toString()));
    Path err = Files.createTempFile(tmp, "stderr", ".txt");
    Process p = new ProcessBuilder(StepProcess.command(all.toArray(String[]::new)))
        .redirectError(err.toFile()).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Out result = new Out(out.toString(StandardCharsets.UTF_8), Files.readString(err));
    assertThat(p.exitValue()).as(result.toString()).isZero();
    return result;
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("git " + String.join(" ", args) + ": " + output).isZero();
    return output;
  }

  private static void copy(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
