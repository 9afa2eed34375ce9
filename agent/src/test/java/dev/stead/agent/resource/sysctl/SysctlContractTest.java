package dev.stead.agent.resource.sysctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a temporary root holding a stand-in /proc/sys file: writing the real /proc/sys
 * would change the kernel of the machine running the tests for every other process on it.
 */
class SysctlContractTest extends ResourceTypeContract {
  @TempDir Path root;
  private Path proc;
  private Path persisted;

  @BeforeEach
  void procFile() throws Exception {
    proc = root.resolve("proc/sys/net/ipv4/ip_forward");
    Files.createDirectories(proc.getParent());
    Files.writeString(proc, "0\n");
    persisted = root.resolve("etc/sysctl.d/99-stead.conf");
    Files.createDirectories(persisted.getParent());
    Files.writeString(persisted, "# kept\nvm.swappiness = 10\n");
  }

  @Override
  protected Path root() {
    return root;
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("sysctl", "net.ipv4.ip_forward", "value", "1"));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(Files.readString(proc).strip()).isEqualTo("1");
    assertThat(Files.readString(persisted))
        .isEqualTo("# kept\nvm.swappiness = 10\nnet.ipv4.ip_forward = 1\n");
  }

  @Override
  protected void tamper() throws Exception {
    Files.writeString(proc, "0\n");
    Files.writeString(persisted, "# kept\nvm.swappiness = 10\nnet.ipv4.ip_forward = 0\n");
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(proc, persisted);
  }

  @Override
  protected void cleanUp() {
    // Everything lives under the temporary root.
  }
}
