package dev.stead.agent.resource.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.InMemoryHost;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.RunMemo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing services: the init scripts of /etc/init.d under a temporary root with an in-memory
 * {@code service}, and systemd's unit files through an in-memory {@code systemctl}.
 */
class ServiceInspectionTest {
  private static final String LSB = "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: x\n"
      + "### END INIT INFO\n";

  @TempDir Path root;

  private ApplyContext context(InMemoryHost host) throws Exception {
    return new ApplyContext(new RootedPaths(root), new BackupStore(root.resolve("b")), host,
        new RunMemo());
  }

  private void script(String name, String text, boolean executable) throws Exception {
    Path file = root.resolve("etc/init.d").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file,
        PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
  }

  private static List<String> shown(List<Inspected> all) {
    return all.stream().map(i -> i.title() + " " + i.params()
        + (i.note().isEmpty() ? "" : " // " + i.note())).toList();
  }

  @Test
  void initScriptsAreListedWithWhatTheirStateShowsAndUnitsWithoutAScriptCommentedOut() throws Exception {
    script("cron", LSB, true);
    script("ssh", LSB, true);
    script("skeleton", LSB, false);
    script("README", "read me\n", false);
    script("not-lsb", "#!/bin/sh\nexit 0\n", true);
    script("x11-common", LSB, true);
    Files.createDirectories(root.resolve("etc/rc2.d"));
    Files.createSymbolicLink(root.resolve("etc/rc2.d/S01cron"), Path.of("../init.d/cron"));
    Path units = Files.createDirectories(root.resolve("lib/systemd/system"));
    for (String unit : List.of("ssh.service", "nginx.service", "getty@.service",
        "sockets.target")) {
      Files.writeString(units.resolve(unit), "[Unit]\n");
    }
    InMemoryHost host = new InMemoryHost(false).on("service",
        c -> CommandResult.exit(switch (c.argv().get(1)) {
          case "cron" -> 0;
          case "x11-common" -> 4; // no status action: LSB's "unknown"
          default -> 3;
        }, "", ""));

    List<Inspected> all = new ServiceInspection().all(context(host));

    assertThat(shown(all)).containsExactly(
        "cron {ensure=running, enable=true}",
        "ssh {ensure=stopped, enable=false}",
        "x11-common {enable=false}",
        "nginx {} // a systemd unit, but systemd is not the running init here, so services are"
            + " managed through /etc/init.d, which has no script for it");
  }

  @Test
  void systemdUnitFilesAreListedWithoutTemplates() throws Exception {
    InMemoryHost host = new InMemoryHost(true).on("systemctl", c -> switch (c.argv().get(1)) {
      case "list-unit-files" -> CommandResult.exit(0, """
          cron.service                 enabled  enabled
          getty@.service               enabled  enabled
          ssh.service                  disabled enabled
          systemd-journald.service     static   -
          """, "");
      case "is-active" -> CommandResult.exit(
          c.argv().get(3).equals("cron.service") ? 0 : 3, "", "");
      case "is-enabled" -> CommandResult.exit(
          c.argv().get(3).equals("ssh.service") ? 1 : 0, "", "");
      default -> CommandResult.exit(1, "", "unexpected " + c.argv());
    });

    List<Inspected> all = new ServiceInspection().all(context(host));

    assertThat(shown(all)).containsExactly("cron {ensure=running, enable=true}",
        "ssh {ensure=stopped, enable=false}",
        "systemd-journald {ensure=stopped, enable=true}");
    assertThat(all.get(0).params()).isEqualTo(Map.of("ensure", "running", "enable", true));
  }
}
