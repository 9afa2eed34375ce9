package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `stead agent run --csr-challenge FILE` against `stead master start
 * --autosign-challenge-file`, both real processes: the right challenge is signed at once, a
 * wrong one or none stays pending, and the challenge is never printed.
 */
class CsrChallengeEndToEndTest {
  private static final String CHALLENGE = "enrol-7c1f9a2e5b3d8064";

  @TempDir Path tmp;

  private Cli agent(MasterProcess master, String fingerprint, String certname, Path challenge)
      throws Exception {
    Files.createDirectories(tmp.resolve("root-" + certname + "/etc"));
    List<String> args = new ArrayList<>(List.of("agent", "run",
        "--once", "--server", master.address, "--certname", certname,
        "--state", tmp.resolve("state-" + certname).toString(),
        "--root", tmp.resolve("root-" + certname).toString(), "--ca-fingerprint", fingerprint));
    if (challenge != null) {
      args.addAll(List.of("--csr-challenge", challenge.toString()));
    }
    return Cli.run(args.toArray(String[]::new));
  }

  private Path file(String name, String content) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void theRightChallengeIsAutosignedAndOthersWait() throws Exception {
    Path code = tmp.resolve("code");
    Files.createDirectories(code);
    Files.writeString(code.resolve("site.groovy"),
        "node('default') { file('/etc/enrolled') { content 'yes\\n' } }\n");
    MasterProcess master = MasterProcess.start(tmp.resolve("master"), code,
        "--autosign-challenge-file", file("master-challenge", CHALLENGE + "\n").toString());
    try {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Cli good = agent(master, fingerprint, "good.example",
          file("agent-challenge", CHALLENGE + "\n"));
      assertThat(good.exitCode()).as(good.toString()).isEqualTo(2);
      assertThat(tmp.resolve("root-good.example/etc/enrolled")).hasContent("yes");
      assertThat(good.output()).doesNotContain(CHALLENGE);

      Cli wrong = agent(master, fingerprint, "wrong.example",
          file("wrong-challenge", "not-the-shared-secret-at-all\n"));
      assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(1);
      assertThat(wrong.output()).contains("stead ca sign wrong.example");
      Cli none = agent(master, fingerprint, "none.example", null);
      assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);

      Cli missing = agent(master, fingerprint, "missing.example", tmp.resolve("no-such-file"));
      assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
      assertThat(missing.output()).contains("--csr-challenge file")
          .contains("no-such-file").contains("does not exist");

      Cli list = Cli.inThisJvm("ca", "list", "--data", master.data.toString());
      assertThat(list.output()).containsPattern("signed\\s+good.example")
          .containsPattern("pending\\s+wrong.example")
          .containsPattern("pending\\s+none.example");
    } finally {
      master.close();
    }
  }
}
