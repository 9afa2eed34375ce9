package dev.stead.master;

import dev.stead.master.ca.AutosignPolicy;
import dev.stead.master.ca.ChallengeAutosign;
import dev.stead.master.ca.CommandAutosign;
import dev.stead.master.ca.Revocations;
import dev.stead.master.rpc.ConnectionLimits;
import dev.stead.master.rpc.TlsServer;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Turns {@link MasterConfig} and {@link TrustConfig} into the CA and server's trust parts. */
final class TrustSetup {
  private TrustSetup() {}

  /**
   * Every configured autosign check must pass (glob, challenge, command); none configured is
   * off.
   */
  static AutosignPolicy autosign(String glob, TrustConfig trust) throws IOException {
    List<AutosignPolicy> policies = new ArrayList<>();
    if (glob != null && !glob.isBlank()) {
      policies.add(AutosignPolicy.glob(glob));
    }
    if (trust.autosignChallengeFile().isPresent()) {
      policies.add(ChallengeAutosign.fromFile(trust.autosignChallengeFile().get()));
    }
    if (trust.autosignCommand().isPresent()) {
      policies.add(CommandAutosign.of(trust.autosignCommand().get(),
          CommandAutosign.DEFAULT_TIMEOUT));
    }
    return AutosignPolicy.allOf(policies);
  }

  static TlsServer.Options serverOptions(TrustConfig trust, Revocations revocations,
      ConnectionLimits connections) {
    return new TlsServer.Options(trust.allowTls12(), revocations::refuses, Clock.systemUTC(),
        connections);
  }

  /** Re-signs the CRL every {@link Revocations#REFRESH_INTERVAL} on a daemon thread. */
  static ScheduledExecutorService scheduleCrlRefresh(Revocations revocations,
      boolean sharedStore) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "stead-crl-refresh");
      thread.setDaemon(true);
      return thread;
    });
    long period = Revocations.REFRESH_INTERVAL.toSeconds();
    executor.scheduleAtFixedRate(revocations::refreshOrLog, period, period, TimeUnit.SECONDS);
    if (sharedStore) {
      // Another master may revoke: refuse what it revoked within a few seconds.
      long reload = Revocations.SHARED_RELOAD_INTERVAL.toMillis();
      executor.scheduleWithFixedDelay(revocations::reloadOrLog, reload, reload,
          TimeUnit.MILLISECONDS);
    }
    return executor;
  }
}
