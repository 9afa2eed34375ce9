package dev.stead.master.fleet;

import java.time.Duration;
import java.util.Objects;

/**
 * The operator-facing options of a master. Immutable.
 *
 * @param reportRetention reports older than this are deleted (default 14 days)
 * @param metricsListen {@code host:port} for the plain-HTTP Prometheus endpoint, or null for
 *     none
 * @param dashboardListen {@code host:port} for the HTTPS dashboard, or null for none
 */
public record FleetConfig(Duration reportRetention, String metricsListen,
    String dashboardListen) {

  public FleetConfig {
    Objects.requireNonNull(reportRetention, "reportRetention");
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
    return new FleetConfig(reportRetention, hostPort, dashboardListen);
  }

  public FleetConfig withDashboard(String hostPort) {
    return new FleetConfig(reportRetention, metricsListen, hostPort);
  }
}
