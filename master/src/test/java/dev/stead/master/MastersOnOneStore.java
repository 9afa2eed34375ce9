package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real masters in this JVM, on a store the test gives them, with the channels the test dials
 * to them: closed in reverse order by {@link #close}.
 */
final class MastersOnOneStore implements AutoCloseable {
  /** Serves every node an empty catalog. */
  static final CatalogSource EMPTY_CATALOGS = (node, facts) -> CompileOutcome.compiled(
      Catalogs.seal(Catalog.newBuilder().setNode(node).setCodeVersion("test").build()));

  /** A node's key and the certificate the CA signed for it. */
  record Enrolled(KeyPair key, X509Certificate certificate) {}

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  Master start(MasterConfig config, CatalogSource source) throws Exception {
    Master master = Master.builder(config).catalogSource(source).start();
    cleanup.add(master);
    return master;
  }

  /** A mutual-TLS channel to {@code master} ({@code key} null: anonymous). */
  ManagedChannel channel(Master master, X509Certificate ca, PrivateKey key,
      X509Certificate certificate) throws Exception {
    ManagedChannel channel = TestPki.channel(master.port(), ca, key, certificate);
    cleanup.add(() -> channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    return channel;
  }

  /** {@code certname} enrolled through {@code master}, whose autosign policy signs it. */
  Enrolled enrol(Master master, X509Certificate ca, String certname) throws Exception {
    KeyPair key = TestPki.ecKey();
    CertificateStatus signed = BootstrapGrpc.newBlockingStub(channel(master, ca, null, null))
        .submitCsr(SubmitCsrRequest.newBuilder().setCertname(certname)
            .setCsrPem(TestPki.csr(certname, key)).build());
    assertThat(signed.getState()).isEqualTo(CertificateState.SIGNED);
    return new Enrolled(key, Pem.parseCertificate(signed.getCertificatePem()));
  }

  /** A channel to {@code master} as the enrolled node. */
  ManagedChannel channel(Master master, X509Certificate ca, Enrolled node) throws Exception {
    return channel(master, ca, node.key().getPrivate(), node.certificate());
  }

  @Override
  public void close() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }
}
