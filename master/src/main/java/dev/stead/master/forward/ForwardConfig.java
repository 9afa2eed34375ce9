package dev.stead.master.forward;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where stored reports with drift or failures are forwarded. Immutable.
 *
 * @param webhook an https:// URL, or null for none
 * @param webhookSecret a file whose first line is the HMAC key (owner-only, 16 characters or
 *     more); required with a webhook
 * @param webhookCa PEM CA certificates the webhook's server must chain to, or null for the
 *     system's trust store
 * @param syslog {@code host:port} of a syslog server (UDP), or null for none
 */
public record ForwardConfig(URI webhook, Path webhookSecret, Path webhookCa, String syslog) {
  public static final ForwardConfig NONE = new ForwardConfig(null, null, null, null);

  public ForwardConfig {
    if (webhook != null && webhookSecret == null) {
      throw new IllegalArgumentException("a report webhook needs a secret file for its "
          + "signature (--report-webhook-secret FILE)");
    }
    if (webhook != null && !"https".equalsIgnoreCase(webhook.getScheme())) {
      throw new IllegalArgumentException("the report webhook must be an https:// URL, got "
          + webhook);
    }
  }

  public boolean any() {
    return webhook != null || syslog != null;
  }
}
