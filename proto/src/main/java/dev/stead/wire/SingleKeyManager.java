package dev.stead.wire;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one private key and its certificate chain in TLS, on either side of a connection.
 *
 * <p>Given a key and a chain, Netty wraps them in a password-protected PKCS#12 store for each
 * TLS context it builds and reads them back, which derives a key with 10,000 rounds of
 * HMAC-SHA256 twice: 70–100 ms of a cold JVM's start (the agent's every run, the master's and
 * each admin command's), for a store that lives only in memory beside the key it protects.
 *
 * <p>The key is offered for the key types it can serve, as the JDK's own key managers do:
 * its algorithm ({@code EC}, {@code RSA}), or a type naming it before an underscore
 * ({@code EC_EC}, {@code EC_RSA}: the key's algorithm, then its certificate's signer's).
 */
public final class SingleKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "stead";
  private final PrivateKey key;
  private final X509Certificate[] chain;

  /** {@code chain} starts with the certificate of {@code key}'s public half. */
  public SingleKeyManager(PrivateKey key, X509Certificate... chain) {
    this.key = Objects.requireNonNull(key, "key");
    if (chain.length == 0) {
      throw new IllegalArgumentException("a key needs its certificate");
    }
    this.chain = chain.clone();
    for (X509Certificate c : this.chain) {
      Objects.requireNonNull(c, "certificate");
    }
  }

  /** Whether this key can serve {@code keyType}, as the JDK's key managers read the type. */
  boolean serves(String keyType) {
    if (keyType == null) {
      return false;
    }
    int underscore = keyType.indexOf('_');
    String algorithm = underscore < 0 ? keyType : keyType.substring(0, underscore);
    return algorithm.equals(key.getAlgorithm());
  }

  private String aliasFor(String... keyTypes) {
    if (keyTypes != null) {
      for (String type : keyTypes) {
        if (serves(type)) {
          return ALIAS;
        }
      }
    }
    return null;
  }

  private String[] aliasesFor(String keyType) {
    return serves(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliasesFor(keyType);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return aliasFor(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers,
      SSLEngine engine) {
    return aliasFor(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliasesFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
