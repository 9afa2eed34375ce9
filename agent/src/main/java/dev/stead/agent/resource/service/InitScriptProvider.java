package dev.stead.agent.resource.service;

import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.resource.ApplyContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SysV init scripts: state through {@code service NAME status} (LSB: exit 0 means running),
 * actions through {@code service}, boot links through {@code update-rc.d}. Enabled means an
 * {@code S} link for the script in {@code /etc/rc2.d} (Debian's default runlevel).
 */
final class InitScriptProvider implements ServiceProvider {
  private static final int LIMIT = 2000;

  @Override
  public String name() {
    return "init";
  }

  @Override
  public boolean available(ApplyContext context) {
    return true;
  }

  @Override
  public String checkExists(ApplyContext context, String service) {
    try {
      Path script = context.paths().resolve("/etc/init.d/" + service);
      return Files.isExecutable(script) ? "" : "no init script /etc/init.d/" + service;
    } catch (IOException e) {
      return "cannot look for /etc/init.d/" + service + ": " + e.getMessage();
    }
  }

  /** Executable scripts of /etc/init.d with an LSB header (not README, not skeleton). */
  @Override
  public List<String> list(ApplyContext context) throws IOException {
    Path dir = context.paths().resolve("/etc/init.d");
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> scripts = Files.newDirectoryStream(dir)) {
      for (Path script : scripts) {
        if (Files.isRegularFile(script) && Files.isExecutable(script) && lsb(script)) {
          out.add(script.getFileName().toString());
        }
      }
    }
    Collections.sort(out);
    return out;
  }

  private static boolean lsb(Path script) throws IOException {
    try (InputStream in = Files.newInputStream(script)) {
      // The header sits near the top; a large binary is not read whole.
      return new String(in.readNBytes(8192), StandardCharsets.ISO_8859_1)
          .contains("### BEGIN INIT INFO");
    }
  }

  @Override
  public State running(ApplyContext context, String service) {
    Command c = Command.of("service", service, "status");
    CommandResult r = context.host().run(c);
    if (r.timedOut() || r.exitCode() < 0) {
      return State.failed(r.describe(c, LIMIT));
    }
    // LSB: 0 running, 1-3 not running (dead with or without pid file), 4 unknown.
    if (r.exitCode() == 4) {
      return State.failed(r.describe(c, LIMIT));
    }
    return State.of(r.exitCode() == 0);
  }

  @Override
  public State enabled(ApplyContext context, String service) {
    try {
      Path rc2 = context.paths().resolve("/etc/rc2.d");
      if (!Files.isDirectory(rc2)) {
        return State.of(false);
      }
      try (DirectoryStream<Path> links = Files.newDirectoryStream(rc2, "S[0-9][0-9]" + service)) {
        return State.of(links.iterator().hasNext());
      }
    } catch (IOException e) {
      return State.failed("cannot read /etc/rc2.d: " + e.getMessage());
    }
  }

  @Override
  public String start(ApplyContext context, String service) {
    return run(context, Command.of("service", service, "start"));
  }

  @Override
  public String stop(ApplyContext context, String service) {
    return run(context, Command.of("service", service, "stop"));
  }

  @Override
  public String restart(ApplyContext context, String service) {
    return run(context, Command.of("service", service, "restart"));
  }

  @Override
  public String enable(ApplyContext context, String service) {
    // `defaults` installs missing links; `enable` turns K links left by `disable` back to S.
    String failed = run(context, Command.of("update-rc.d", service, "defaults"));
    return failed.isEmpty() ? run(context, Command.of("update-rc.d", service, "enable")) : failed;
  }

  @Override
  public String disable(ApplyContext context, String service) {
    return run(context, Command.of("update-rc.d", service, "disable"));
  }

  private static String run(ApplyContext context, Command c) {
    CommandResult r = context.host().run(c);
    return r.ok() ? "" : r.describe(c, LIMIT);
  }
}
