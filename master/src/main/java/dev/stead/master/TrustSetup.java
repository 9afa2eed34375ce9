package dev.stead.master;

import dev.stead.master.ca.AutosignPolicy;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.CertificateRegistry;
import dev.stead.master.ca.SharedAuthority;
import dev.stead.master.storage.SharedState;
import dev.stead.master.ca.ChallengeAutosign;
import dev.stead.master.ca.CommandAutosign;
import dev.stead.master.ca.Revocations;
import dev.stead.master.rpc.ConnectionCounts;
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
  /** How long a new master without the CA role waits for the CA master to issue its own. */
  static final java.time.Duration MASTER_CERTIFICATE_WAIT = java.time.Duration.ofSeconds(60);
  /** How often the CA master signs what other masters stored on a shared store. */
  static final java.time.Duration SIGNING_INTERVAL = java.time.Duration.ofSeconds(1);
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(TrustSetup.class.getName());

  private TrustSetup() {}

  /**
   * The CA as this master has it: with the CA role, the key in {@code caDir} (created on
   * first start), its certificate recorded in a shared store; without, the certificate the
   * shared store holds.
   */
  static CertificateAuthority authority(MasterConfig config, java.nio.file.Path caDir,
      SharedState shared) throws IOException {
    if (!config.caRole()) {
      return SharedAuthority.fetch(caDir, shared);
    }
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(caDir);
    if (shared != null) {
      SharedAuthority.publish(ca, shared);
    }
    return ca;
  }

  /**
   * On the CA master of a shared store: signs, every {@link #SIGNING_INTERVAL}, the node
   * requests the autosign policy allows, the renewals other masters stored and the
   * certificates other masters asked for.
   */
  static void scheduleSigning(ScheduledExecutorService executor, CertificateRegistry registry,
      CertificateAuthority ca, SharedState shared) {
    long period = SIGNING_INTERVAL.toMillis();
    executor.scheduleWithFixedDelay(() -> {
      if (!ca.maySign()) {
        return; // the CA role lost for now: the heartbeat says so, and resumes signing
      }
      try {
        registry.autosignWaiting();
        registry.renewWaiting();
        SharedAuthority.issueRequested(ca, shared);
      } catch (RuntimeException e) {
        LOG.warning("cannot sign the requests in the shared store: " + e.getMessage());
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

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
      ConnectionLimits connections, ConnectionCounts counts) {
    return new TlsServer.Options(trust.allowTls12(), revocations::refuses, Clock.systemUTC(),
        connections, counts);
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
