package dev.stead.agent.resource.service;

import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.resource.ApplyContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** systemd, through {@code systemctl}; available only when systemd is the running init. */
final class SystemdProvider implements ServiceProvider {
  private static final int LIMIT = 2000;

  @Override
  public String name() {
    return "systemd";
  }

  @Override
  public boolean available(ApplyContext context) {
    return context.host().systemdRunning();
  }

  @Override
  public String checkExists(ApplyContext context, String service) {
    Command c = Command.of("systemctl", "show", "-p", "LoadState", "--value", unit(service));
    CommandResult r = context.host().run(c);
    if (!r.ok()) {
      return r.describe(c, LIMIT);
    }
    return r.stdout().strip().equals("not-found") ? "no systemd unit " + unit(service) : "";
  }

  @Override
  public List<String> list(ApplyContext context) throws IOException {
    Command c = Command.of("systemctl", "list-unit-files", "--type=service", "--no-legend",
        "--no-pager", "--plain");
    CommandResult r = context.host().run(c);
    if (!r.ok()) {
      throw new IOException(r.describe(c, LIMIT));
    }
    List<String> out = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      String[] fields = line.strip().split("\\s+");
      String unit = fields[0];
      // A template (name@.service) is no service until it has an instance.
      if (unit.endsWith(".service") && !unit.contains("@")) {
        out.add(unit.substring(0, unit.length() - ".service".length()));
      }
    }
    Collections.sort(out);
    return out;
  }

  @Override
  public State running(ApplyContext context, String service) {
    CommandResult r = context.host().run(Command.of("systemctl", "is-active", "--quiet",
        unit(service)));
    return r.timedOut() || r.exitCode() < 0 ? State.failed("systemctl is-active " + unit(service)
        + " did not answer: " + r.stderr()) : State.of(r.exitCode() == 0);
  }

  @Override
  public State enabled(ApplyContext context, String service) {
    CommandResult r = context.host().run(Command.of("systemctl", "is-enabled", "--quiet",
        unit(service)));
    return r.timedOut() || r.exitCode() < 0 ? State.failed("systemctl is-enabled "
        + unit(service) + " did not answer: " + r.stderr()) : State.of(r.exitCode() == 0);
  }

  @Override
  public String start(ApplyContext context, String service) {
    return systemctl(context, "start", service);
  }

  @Override
  public String stop(ApplyContext context, String service) {
    return systemctl(context, "stop", service);
  }

  @Override
  public String restart(ApplyContext context, String service) {
    return systemctl(context, "restart", service);
  }

  @Override
  public String enable(ApplyContext context, String service) {
    return systemctl(context, "enable", service);
  }

  @Override
  public String disable(ApplyContext context, String service) {
    return systemctl(context, "disable", service);
  }

  private static String systemctl(ApplyContext context, String verb, String service) {
    Command c = Command.of("systemctl", verb, unit(service));
    CommandResult r = context.host().run(c);
    return r.ok() ? "" : r.describe(c, LIMIT);
  }

  private static String unit(String service) {
    return service.contains(".") ? service : service + ".service";
  }
}
