package dev.stead.master.rpc;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificate chains against the CA with the JDK's PKIX trust manager, and
 * remembers the chains it accepted: an agent that dials a new connection for each run (its
 * last one closed at the idle limit) presents the same chain every time, and the PKIX path
 * validation (its ECDSA verification in Java) cost more than the rest of an unchanged
 * check-in's handshake.
 *
 * <p>A remembered chain is accepted again only while every certificate in it other than the
 * CA's own is within its validity period now; the key it names is still proven by the
 * handshake (BoringSSL or the JDK checks the client's signature natively), and revocation
 * is still checked on every call by the {@link IdentityInterceptor}. Only accepted chains
 * are remembered, keyed by a SHA-256 of their encoded certificates, least recently used out
 * first beyond {@code capacity}. {@link #worthKeeping} and {@link #rememberEarlier} carry them
 * across a restart ({@link RememberedChainsFile}). Thread-safe.
 */
final class RememberingClientTrust extends X509ExtendedTrustManager {
  /** Chains remembered by default (about 200 bytes of heap each). */
  static final int DEFAULT_CAPACITY = 100_000;

  private final X509ExtendedTrustManager pkix;
  private final X509Certificate ca;
  private final Clock clock;
  private final Map<ByteBuffer, Remembered> accepted;

  /** Chains remembered since this trust was made: tells a saver whether anything is new. */
  private long additions;
  /** What an earlier run of the master accepted ({@link #rememberEarlier}). */
  private volatile ChainTable earlier = ChainTable.EMPTY;
  private final int capacity;

  /** What an accepted chain was checked for, and until when all of it is valid. */
  private record Remembered(String authType, long notBefore, long notAfter) {}

  /**
   * One accepted chain as {@link #snapshot} gives it out: the SHA-256 of its certificates,
   * what it was checked for and when all of it is valid (epoch milliseconds).
   */
  record Accepted(byte[] digest, String authType, long notBefore, long notAfter) {
    Accepted {
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(authType, "authType");
      if (digest.length != 32) {
        throw new IllegalArgumentException("a chain's digest has 32 bytes, got "
            + digest.length);
      }
      digest = digest.clone();
    }

    @Override
    public byte[] digest() {
      return digest.clone();
    }
  }

  RememberingClientTrust(X509Certificate ca, int capacity, Clock clock) {
    this(pkixFor(ca), ca, capacity, clock);
  }

  /** As above, over {@code pkix}, which decides every chain not remembered. */
  RememberingClientTrust(X509ExtendedTrustManager pkix, X509Certificate ca, int capacity,
      Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.pkix = Objects.requireNonNull(pkix, "pkix");
    this.ca = Objects.requireNonNull(ca, "ca");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.capacity = capacity;
    this.accepted = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Remembered> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The JDK's PKIX trust manager with {@code ca} as its only anchor. */
  static X509ExtendedTrustManager pkixFor(X509Certificate ca) {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("ca", ca);
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(anchors);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return extended;
        }
      }
      throw new IllegalStateException("the JDK's PKIX trust manager factory gave no"
          + " X509ExtendedTrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up the JDK's PKIX trust manager: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClient(chain, authType, () -> pkix.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClient(chain, authType, () -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkClient(chain, authType, () -> pkix.checkClientTrusted(chain, authType));
  }

  /** One of PKIX's client checks of the chain at hand. */
  private interface PkixCheck {
    void run() throws CertificateException;
  }

  private void checkClient(X509Certificate[] chain, String authType, PkixCheck pkixCheck)
      throws CertificateException {
    ByteBuffer key = keyOf(chain);
    if (remembered(key, authType)) {
      return;
    }
    pkixCheck.run();
    remember(key, chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  /** Chains remembered now. */
  synchronized int size() {
    return accepted.size();
  }

  /** How many chains were remembered since this trust was made (earlier ones answered too). */
  synchronized long additions() {
    return additions;
  }

  /** The chains remembered now, the least recently used first. */
  synchronized List<Accepted> snapshot() {
    List<Accepted> chains = new ArrayList<>(accepted.size());
    accepted.forEach((key, seen) -> {
      byte[] digest = new byte[key.remaining()];
      key.duplicate().get(digest);
      chains.add(new Accepted(digest, seen.authType(), seen.notBefore(), seen.notAfter()));
    });
    return chains;
  }

  /**
   * Remembers, besides what this trust accepted, the chains {@code table} holds: those a trust
   * over the same CA accepted in an earlier run of this master. A chain of it is answered from
   * there (and remembered as if accepted now) while it is within its validity. Only for chains
   * that trust's PKIX check accepted: the caller vouches for where they come from.
   */
  void rememberEarlier(ChainTable table) {
    earlier = Objects.requireNonNull(table, "table");
  }

  /** Chains of an earlier run this trust can answer from (within validity or not). */
  int earlierChains() {
    return earlier.size();
  }

  /**
   * What a save should keep: the chains of the earlier run not answered since and still valid
   * (first, so that they go first beyond the capacity), then {@link #snapshot}.
   */
  List<Accepted> worthKeeping() {
    long now = clock.millis();
    List<Accepted> recent;
    java.util.Set<ByteBuffer> seen;
    synchronized (this) {
      recent = snapshot();
      seen = new java.util.HashSet<>(accepted.keySet());
    }
    List<Accepted> kept = new ArrayList<>();
    for (Accepted chain : earlier.all()) {
      if (now >= chain.notBefore() && now <= chain.notAfter()
          && !seen.contains(ByteBuffer.wrap(chain.digest()))) {
        kept.add(chain);
      }
    }
    kept.addAll(recent);
    return kept.size() <= capacity ? kept : kept.subList(kept.size() - capacity, kept.size());
  }

  private boolean remembered(ByteBuffer key, String authType) {
    Remembered seen;
    synchronized (this) {
      seen = accepted.get(key);
    }
    boolean fromEarlierRun = seen == null;
    if (fromEarlierRun) {
      Accepted before = earlier.find(key.array());
      seen = before == null ? null
          : new Remembered(before.authType(), before.notBefore(), before.notAfter());
    }
    if (seen == null || !seen.authType().equals(authType)) {
      return false;
    }
    long now = clock.millis();
    boolean valid = now >= seen.notBefore() && now <= seen.notAfter();
    if (!valid) {
      // Out of its validity: PKIX says why (expired, not yet valid), and it is not kept.
      synchronized (this) {
        accepted.remove(key);
      }
    } else if (fromEarlierRun) {
      synchronized (this) {
        accepted.put(key, seen);
        additions++;
      }
    }
    return valid;
  }

  private void remember(ByteBuffer key, X509Certificate[] chain, String authType) {
    long notBefore = Long.MIN_VALUE;
    long notAfter = Long.MAX_VALUE;
    for (X509Certificate certificate : chain) {
      if (certificate.equals(ca)) {
        continue; // the anchor: PKIX does not check its dates either
      }
      notBefore = Math.max(notBefore, certificate.getNotBefore().getTime());
      notAfter = Math.min(notAfter, certificate.getNotAfter().getTime());
    }
    long now = clock.millis();
    if (notAfter < now || notBefore > now) {
      return; // PKIX judged at its own clock; this one must agree before anything is kept
    }
    synchronized (this) {
      accepted.put(key, new Remembered(authType, notBefore, notAfter));
      additions++;
    }
  }

  private static ByteBuffer keyOf(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new IllegalArgumentException("no client certificate chain");
    }
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (X509Certificate certificate : chain) {
        byte[] encoded = certificate.getEncoded();
        sha256.update(ByteBuffer.allocate(4).putInt(encoded.length).flip());
        sha256.update(encoded);
      }
      return ByteBuffer.wrap(sha256.digest());
    } catch (CertificateEncodingException e) {
      throw new CertificateException("a client certificate cannot be encoded: "
          + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
