package dev.stead.agent.resource.pkg;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Resource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** Installs and removes Debian's `hello` for real (needs root and the Debian mirror). */
class PkgContractTest extends ResourceTypeContract {
  private boolean installedByUs;

  @BeforeEach
  void hello() {
    assumeRootWith("apt-get", "dpkg-query");
    assumeTrue(!sh("dpkg-query -W -f '${db:Status-Abbrev}' hello 2>/dev/null | grep -q '^ii'")
        .ok(), "hello is installed already; this test will not remove a package it did not add");
    assumeTrue(sh("apt-cache policy hello | grep -q 'Candidate: [0-9]'").ok(),
        "no installation candidate for hello (run apt-get update; needs the network)");
    installedByUs = true;
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("pkg", "hello", "ensure", "installed"));
  }

  @Override
  protected void verifyConverged() {
    assertThat(sh("dpkg-query -W -f '${db:Status-Abbrev}' hello").stdout()).startsWith("ii");
    assertThat(sh("hello").stdout()).isEqualTo("Hello, world!\n");
  }

  @Override
  protected void tamper() {
    assertThat(sh("DEBIAN_FRONTEND=noninteractive dpkg -r hello").ok()).isTrue();
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(Path.of("/var/lib/dpkg/status"), Path.of("/usr/bin/hello"));
  }

  @Override
  protected void cleanUp() {
    if (installedByUs) {
      sh("DEBIAN_FRONTEND=noninteractive apt-get purge -y -q hello");
    }
  }
}
