package dev.stead.agent.resource.service;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Debian's cron daemon through its real init script (no systemd runs as PID 1 here; the
 * systemd provider is tested against an in-memory host in {@link SystemdProviderTest}).
 * Leaves cron as it found it: running or not, enabled or not.
 */
class ServiceContractTest extends ResourceTypeContract {
  private static final Path PID = Path.of("/var/run/crond.pid");
  private boolean wasRunning;
  private boolean wasEnabled;

  @BeforeEach
  void stoppedAndDisabled() throws Exception {
    assumeRootWith("service", "update-rc.d");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/etc/init.d/cron")),
        "needs the cron package (see .ci/run)");
    assumeNoSystemd();
    wasRunning = sh("service cron status").ok();
    wasEnabled = enabled();
    sh("service cron stop; update-rc.d cron disable");
  }

  private static void assumeNoSystemd() {
    Assumptions.assumeFalse(Files.isDirectory(Path.of("/run/systemd/system")),
        "systemd is running: this test drives the init script");
  }

  @AfterEach
  void restore() {
    if (!wasRunning && !wasEnabled) {
      // The common case in CI: cron was installed but never started.
    }
    sh(wasEnabled ? "update-rc.d cron enable" : "update-rc.d cron disable");
    sh(wasRunning ? "service cron start" : "service cron stop");
  }

  private static boolean enabled() throws Exception {
    try (Stream<Path> links = Files.list(Path.of("/etc/rc2.d"))) {
      return links.anyMatch(p -> p.getFileName().toString().matches("S\\d\\dcron"));
    }
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  @Override
  protected List<Resource> resources() {
    return List.of(resource("service", "cron", "ensure", "running", "enable", true));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(sh("service cron status").ok()).as("cron runs").isTrue();
    assertThat(Files.readString(PID).strip()).matches("\\d+");
    assertThat(enabled()).as("S link in /etc/rc2.d").isTrue();
  }

  @Override
  protected void tamper() {
    assertThat(sh("service cron stop").ok()).isTrue();
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return sh("service cron status").exitCode() + "\n" + sh("ls -l /etc/rc2.d").stdout() + "\n"
        + files(PID);
  }

  @Override
  protected void cleanUp() {
    // restore() puts cron back as it was.
  }

  @Test
  void aNotificationRestartsTheDaemon() throws Exception {
    sh("service cron start");
    String pidBefore = Files.readString(PID).strip();
    Report r = converge(Catalogs4Test.catalog()
        .resource(resource("exec", "reconfigure", "command", "true"))
        .resource(resource("service", "cron", "ensure", "running"))
        .edge("exec[reconfigure]", EdgeKind.NOTIFIES, "service[cron]").build(), false);
    ResourceResult service = r.getResourcesList().stream()
        .filter(x -> x.getKey().equals("service[cron]")).findFirst().orElseThrow();
    assertThat(service.getRefreshed()).as(r.toString()).isTrue();
    assertThat(sh("service cron status").ok()).isTrue();
    assertThat(Files.readString(PID).strip()).as("a new process").isNotEqualTo(pidBefore);
  }

  /**
   * A refresh never starts a stopped service: not one meant to stay stopped, and not one whose
   * state is left alone (ensure unset). cron is stopped before each test.
   */
  @Test
  void aNotificationLeavesAStoppedDaemonStopped() {
    for (Resource cron : List.of(resource("service", "cron", "ensure", "stopped"),
        resource("service", "cron", "enable", false))) {
      Report r = converge(Catalogs4Test.catalog()
          .resource(resource("exec", "reconfigure", "command", "true"))
          .resource(cron)
          .edge("exec[reconfigure]", EdgeKind.NOTIFIES, "service[cron]").build(), false);
      assertThat(r.getSummary().getFailed()).as(r.toString()).isZero();
      assertThat(sh("service cron status").ok()).as("cron started by a refresh: " + r).isFalse();
      assertThat(PID).doesNotExist();
    }
  }
}
