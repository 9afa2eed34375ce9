package dev.stead.master.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.MasterConfig;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The further names a master's server certificate carries (--dns-alt-names). */
class DnsAltNamesTest {
  @TempDir Path tmp;

  private static List<String> sans(X509Certificate certificate) throws Exception {
    return certificate.getSubjectAlternativeNames().stream()
        .map(name -> String.valueOf(name.get(1))).toList();
  }

  @Test
  void theCertificateCarriesTheNamesAndIsReissuedWhenANameIsAdded() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(tmp.resolve("ca"));
    ServerCredentials first = ServerCredentials.loadOrCreate(tmp.resolve("ca"), ca, "127.0.0.1",
        List.of("stead.example.com"));
    assertThat(sans(first.certificate())).contains("stead.example.com", "localhost",
        "127.0.0.1");
    ServerCredentials same = ServerCredentials.loadOrCreate(tmp.resolve("ca"), ca, "127.0.0.1",
        List.of("stead.example.com"));
    assertThat(same.certificate()).isEqualTo(first.certificate());
    ServerCredentials more = ServerCredentials.loadOrCreate(tmp.resolve("ca"), ca, "127.0.0.1",
        List.of("stead.example.com", "10.0.0.9"));
    assertThat(more.certificate()).isNotEqualTo(first.certificate());
    assertThat(sans(more.certificate())).contains("stead.example.com", "10.0.0.9");
  }

  @Test
  void aNameThatIsNeitherADnsNameNorAnAddressIsRefusedByName() {
    assertThat(Hostnames.altName(" Stead.Example.COM ", "--dns-alt-names"))
        .isEqualTo("stead.example.com");
    assertThatThrownBy(() -> Hostnames.altName("*.example.com", "--dns-alt-names"))
        .hasMessage("--dns-alt-names: '*.example.com' is not a DNS name (letters, digits,"
            + " hyphens and dots; no wildcard) nor an IP address");
    assertThatThrownBy(() -> Hostnames.altName("bad_name", "--dns-alt-names"))
        .hasMessageContaining("'bad_name' is not a DNS name");
  }

  @Test
  void aMasterWithoutTheCaRoleNeedsASharedStore() {
    MasterConfig config = new MasterConfig(tmp, tmp, List.of(), "127.0.0.1", 0, null);
    assertThatThrownBy(() -> config.withCaRole(false))
        .hasMessageContaining("a master without the CA role needs a store other masters share");
    assertThatThrownBy(() -> config.withSharedKeyFile(tmp.resolve("k")))
        .hasMessageContaining("--shared-key-file");
  }
}
