package dev.stead.master.rpc;

import dev.stead.master.rpc.AccessPolicy.Access;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.math.BigInteger;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Establishes the caller's {@link Identity} from the TLS session and enforces the
 * {@link AccessPolicy} before any request is read: no certificate where one is needed is
 * UNAUTHENTICATED, the wrong kind of certificate is PERMISSION_DENIED. The handshake has
 * already verified the certificate against the CA; this adds what a handshake cannot know
 * later on an open connection: whether the certificate has since been revoked or expired
 * (UNAUTHENTICATED on every call, whichever the service). Each refusal is logged with the
 * peer's address, the certificate's name and the reason; with {@code --verbose} every
 * admitted call is logged too.
 */
public final class IdentityInterceptor implements ServerInterceptor {
  private static final Logger LOG = Logger.getLogger(IdentityInterceptor.class.getName());
  /** The name the caller's identity is kept under in its TLS session. */
  static final String SESSION_VALUE = "dev.stead.master.identity";
  private final AccessPolicy policy;
  private final Predicate<BigInteger> revoked;
  private final Clock clock;

  /**
   * @param revoked true for a revoked serial; asked on every call, so a revocation applies
   *     to connections that are already open, from the next call on
   * @param clock checks expiry on every call (a connection can outlive its certificate)
   */
  public IdentityInterceptor(AccessPolicy policy, Predicate<BigInteger> revoked, Clock clock) {
    this.policy = policy;
    this.revoked = revoked;
    this.clock = clock;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Identity identity = identify(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    Access access = policy.accessFor(call.getMethodDescriptor().getServiceName());
    // A bad certificate is refused everywhere, the anonymous bootstrap service included:
    // presenting one is a claim, and a false claim is not the same as none.
    Status refusal = certificateRefusal(identity);
    if (refusal == null) {
      refusal = refusal(access, identity, call.getMethodDescriptor().getFullMethodName());
    }
    String peer = Peer.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    if (refusal != null) {
      Status refused = refusal;
      LOG.warning(() -> "authentication failed peer=" + peer + " certificate="
          + (identity.isAnonymous() ? "none" : identity.commonName())
          + " method=" + call.getMethodDescriptor().getFullMethodName() + " status="
          + refused.getCode() + ": " + refused.getDescription());
      call.close(refusal, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    LOG.fine(() -> "call peer=" + peer + " certificate="
        + (identity.isAnonymous() ? "none" : identity.commonName()) + " method="
        + call.getMethodDescriptor().getFullMethodName());
    return Contexts.interceptCall(Context.current().withValue(Identity.KEY, identity)
        .withValue(Peer.KEY, peer), call, headers, next);
  }

  private Status certificateRefusal(Identity identity) {
    if (identity.isAnonymous()) {
      return null;
    }
    X509Certificate certificate = identity.certificate().orElseThrow();
    if (revoked.test(certificate.getSerialNumber())) {
      return Status.UNAUTHENTICATED.withDescription("the certificate of '"
          + identity.commonName() + "' (serial " + certificate.getSerialNumber().toString(16)
          .toUpperCase(Locale.ROOT) + ") has been revoked");
    }
    Instant now = clock.instant();
    if (now.isAfter(certificate.getNotAfter().toInstant())) {
      return Status.UNAUTHENTICATED.withDescription("the certificate of '"
          + identity.commonName() + "' expired at " + certificate.getNotAfter().toInstant());
    }
    if (now.isBefore(certificate.getNotBefore().toInstant())) {
      return Status.UNAUTHENTICATED.withDescription("the certificate of '"
          + identity.commonName() + "' is not valid before "
          + certificate.getNotBefore().toInstant());
    }
    return null;
  }

  private static Status refusal(Access access, Identity identity, String method) {
    if (access == null) {
      return Status.PERMISSION_DENIED.withDescription("no access rule for " + method);
    }
    switch (access) {
      case ANONYMOUS:
        return null;
      case NODE:
        if (identity.isAnonymous()) {
          return Status.UNAUTHENTICATED.withDescription(
              method + " needs a node certificate signed by this master's CA");
        }
        if (identity.isAdmin()) {
          return Status.PERMISSION_DENIED.withDescription(
              "the admin certificate cannot act as a node");
        }
        return null;
      case ADMIN:
        if (identity.isAnonymous()) {
          return Status.UNAUTHENTICATED.withDescription(method + " needs the admin certificate");
        }
        if (!identity.isAdmin()) {
          return Status.PERMISSION_DENIED.withDescription("certificate '"
              + identity.commonName() + "' may not call " + method
              + "; only the admin certificate may");
        }
        return null;
      default:
        throw new IllegalStateException("unhandled access " + access);
    }
  }

  /**
   * The caller of a call on {@code session}, established once per session and kept in it: the
   * calls of one connection (a check-in and its report, a daemon's runs over its stream)
   * present the same certificate, whose name need not be parsed again for each. Revocation
   * and expiry are still checked on every call.
   */
  static Identity identify(SSLSession session) {
    if (session == null) {
      return Identity.ANONYMOUS;
    }
    if (session.getValue(SESSION_VALUE) instanceof Identity known) {
      return known;
    }
    Identity identity = identityOf(session);
    session.putValue(SESSION_VALUE, identity);
    return identity;
  }

  private static Identity identityOf(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Identity.ANONYMOUS;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
      return Identity.ANONYMOUS;
    }
    return new Identity(Optional.of(certificate), commonName(certificate));
  }

  /** The single CN of the subject, empty when there is none or several. */
  static String commonName(X509Certificate certificate) {
    RDN[] cns = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded())
        .getRDNs(BCStyle.CN);
    if (cns.length != 1 || cns[0].isMultiValued()) {
      return "";
    }
    return IETFUtils.valueToString(cns[0].getFirst().getValue());
  }
}
