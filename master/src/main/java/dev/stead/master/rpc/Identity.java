package dev.stead.master.rpc;

import dev.stead.master.ca.AdminCredentials;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Who is calling, as proven by the TLS client certificate (already verified against the CA
 * by the handshake). Put into the gRPC {@link Context} by {@link IdentityInterceptor}.
 *
 * @param certificate the client's certificate, empty for an anonymous (bootstrap) caller
 * @param commonName its subject CN, empty when anonymous
 */
public record Identity(Optional<X509Certificate> certificate, String commonName) {
  static final Context.Key<Identity> KEY = Context.key("stead-identity");
  static final Identity ANONYMOUS = new Identity(Optional.empty(), "");

  public boolean isAnonymous() {
    return certificate.isEmpty();
  }

  public boolean isAdmin() {
    return !isAnonymous() && commonName.equals(AdminCredentials.COMMON_NAME);
  }

  /** The identity of the current call; anonymous outside one. */
  static Identity current() {
    Identity identity = KEY.get();
    return identity == null ? ANONYMOUS : identity;
  }

  /** Fails with PERMISSION_DENIED unless the caller is the node {@code node}. */
  void requireNode(String node, String what) {
    if (isAnonymous()) {
      throw Status.UNAUTHENTICATED.withDescription(what + " needs a client certificate")
          .asRuntimeException();
    }
    if (!commonName.equals(node)) {
      throw denied("certificate '" + commonName + "' may not " + what + " of node '"
          + node + "'");
    }
  }

  private static StatusRuntimeException denied(String message) {
    return Status.PERMISSION_DENIED.withDescription(message).asRuntimeException();
  }
}
