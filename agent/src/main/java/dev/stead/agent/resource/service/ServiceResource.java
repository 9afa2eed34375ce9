package dev.stead.agent.resource.service;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Refreshable;
import dev.stead.agent.resource.Result;
import java.util.Set;

/**
 * One service: {@code ensure} (running/stopped) and {@code enable} (true/false), each only when
 * set. A refresh restarts it when it is meant to run (or, with ensure unset, when it runs),
 * unless this run just started it. Requires {@code pkg[NAME]} when that is managed.
 */
final class ServiceResource implements Checkable, Refreshable {
  private final String name;
  private final Boolean running;
  private final Boolean enable;
  private final String forcedProvider;
  /** Set when this run started the service, so a refresh need not restart it (reset per check). */
  private volatile boolean startedNow;

  ServiceResource(String name, Boolean running, Boolean enable, String forcedProvider) {
    this.name = name;
    this.running = running;
    this.enable = enable;
    this.forcedProvider = forcedProvider;
  }

  private ServiceProvider provider(ApplyContext context) {
    for (ServiceProvider p : ServiceType.PROVIDERS) {
      if (forcedProvider != null ? p.name().equals(forcedProvider) : p.available(context)) {
        return p;
      }
    }
    throw new IllegalStateException("the init-script provider is always available");
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    startedNow = false; // a plan runs again in the daemon: last run's start does not count
    Changes changes = new Changes(apply);
    if (running != null) {
      changes.desire("ensure", running ? "running" : "stopped");
    }
    if (enable != null) {
      changes.desire("enable", enable.toString());
    }
    ServiceProvider provider = provider(context);
    String missing = provider.checkExists(context, name);
    if (!missing.isEmpty()) {
      return changes.fail(missing);
    }
    if (running != null) {
      ServiceProvider.State now = provider.running(context, name);
      if (now.failed()) {
        return changes.fail(now.error());
      }
      if (now.yes() != running) {
        String before = now.yes() ? "running" : "stopped";
        String after = changes.desired("ensure");
        if (apply) {
          String why = running ? provider.start(context, name) : provider.stop(context, name);
          if (!why.isEmpty()) {
            return changes.fail("ensure", before, after, why);
          }
          startedNow = running;
        }
        changes.record("ensure", before, after);
      }
    }
    if (enable != null) {
      ServiceProvider.State now = provider.enabled(context, name);
      if (now.failed()) {
        return changes.fail(now.error());
      }
      if (now.yes() != enable) {
        if (apply) {
          String why = enable ? provider.enable(context, name) : provider.disable(context, name);
          if (!why.isEmpty()) {
            return changes.fail("enable", Boolean.toString(now.yes()), enable.toString(), why);
          }
        }
        changes.record("enable", Boolean.toString(now.yes()), enable.toString());
      }
    }
    return changes.result();
  }

  @Override
  public Refresh refresh(ApplyContext context) {
    if (Boolean.FALSE.equals(running) || startedNow) {
      return Refresh.ok();
    }
    ServiceProvider provider = provider(context);
    if (running == null) {
      ServiceProvider.State now = provider.running(context, name);
      if (now.failed()) {
        return Refresh.failed(now.error());
      }
      if (!now.yes()) {
        return Refresh.ok();
      }
    }
    String failure = provider.restart(context, name);
    return failure.isEmpty() ? Refresh.ok() : Refresh.failed(failure);
  }
}
