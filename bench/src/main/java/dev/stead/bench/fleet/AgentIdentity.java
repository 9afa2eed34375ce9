package dev.stead.bench.fleet;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A simulated agent's name, key and the certificate the master signed for that key. */
record AgentIdentity(String node, PrivateKey key, X509Certificate certificate) {}
