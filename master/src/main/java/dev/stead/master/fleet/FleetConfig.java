package dev.stead.master.fleet;

import dev.stead.master.forward.ForwardConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The operator-facing options of a master. Immutable.
 *
 * @param reportRetention reports older than this are deleted (default 14 days)
 * @param metricsListen {@code host:port} for the plain-HTTP Prometheus endpoint, or null for
 *     none
 * @param dashboardListen {@code host:port} for the HTTPS dashboard, or null for none
 * @param forward where reports with drift or failures are forwarded (webhook, syslog)
 */
public record FleetConfig(Duration reportRetention, String metricsListen,
    String dashboardListen, ForwardConfig forward) {

  public FleetConfig(Duration reportRetention, String metricsListen, String dashboardListen) {
    this(reportRetention, metricsListen, dashboardListen, ForwardConfig.NONE);
  }

  public FleetConfig {
    Objects.requireNonNull(reportRetention, "reportRetention");
    Objects.requireNonNull(forward, "forward");
    if (reportRetention.isNegative() || reportRetention.isZero()) {
      throw new IllegalArgumentException("report retention must be positive, got "
          + reportRetention);
    }
  }

  /** 14 days of reports, no metrics port, no dashboard. */
  public static FleetConfig defaults() {
    return new FleetConfig(Retention.DEFAULT, null, null);
  }

  public FleetConfig withMetrics(String hostPort) {
    return new FleetConfig(reportRetention, hostPort, dashboardListen, forward);
  }

  public FleetConfig withDashboard(String hostPort) {
    return new FleetConfig(reportRetention, metricsListen, hostPort, forward);
  }

  public FleetConfig withForwarding(ForwardConfig forward) {
    return new FleetConfig(reportRetention, metricsListen, dashboardListen, forward);
  }
}
