package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.ca.CertificateAuthority;
import dev.stead.wire.Fingerprints;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fingerprint an operator hands to agents needs the CA file, not a running master. */
class CaFingerprintOfflineTest {
  @TempDir Path data;

  @Test
  void theFingerprintIsReadFromTheCaFileWithNoMasterRunning() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(data.resolve("ca"));
    Cli printed = Cli.run("ca", "fingerprint", "--data", data.toString());
    assertThat(printed.exitCode()).as(printed.toString()).isZero();
    assertThat(printed.output().strip()).isEqualTo(Fingerprints.of(ca.certificate()));
  }
}
