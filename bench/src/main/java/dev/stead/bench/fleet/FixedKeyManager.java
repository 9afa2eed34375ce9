package dev.stead.bench.fleet;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one key and certificate. Netty would otherwise wrap them in a password-protected
 * PKCS#12 store for each context (PBKDF2 with thousands of rounds): ~0.1 s of CPU per simulated
 * agent, which would make the client, not the master, the bottleneck.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "agent";
  private final PrivateKey key;
  private final X509Certificate[] chain;

  FixedKeyManager(AgentIdentity identity) {
    this.key = identity.key();
    this.chain = new X509Certificate[] {identity.certificate()};
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
    return ALIAS;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return chain.clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return key;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
