package dev.stead.modules;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real {@code sshd -t -f FILE}, as the modules' validate_cmd runs it. */
final class SshdCheck {
  private SshdCheck() {}

  /**
   * Makes the privilege separation directory sshd -t insists on, as the sshd module's
   * {@code file('/run/sshd')} does (systemd makes it when sshd starts; here sshd never ran).
   */
  static void prepare() throws Exception {
    Files.createDirectories(Path.of("/run/sshd"));
  }

  static RealTool check(Path config) throws Exception {
    return RealTool.run("/usr/sbin/sshd", "-t", "-f", config.toString());
  }
}
