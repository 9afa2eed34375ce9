package dev.stead.bench.fleet;

import dev.stead.agent.tls.KeyMaterial;
import dev.stead.bench.ReferenceCode;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Gives every simulated agent a certificate through the master's real CSR path (the master
 * autosigns for the run): the CA is fetched over Bootstrap, each agent makes its own P-256 key
 * and submits a CSR. The identities are kept in a file (one line each: node, PKCS#8 key and
 * certificate DER, base64) so later runs against the same data directory skip enrolment, as
 * enrolled agents do.
 */
final class Enrollment {
  private static final int ENROL_CHUNK = 5_000;

  private Enrollment() {}

  /** The CA, fetched from the master (loopback benchmark: the first certificate is trusted). */
  static X509Certificate fetchCa(String host, int port) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, port)
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
            .trustManager(InsecureTrustManagerFactory.INSTANCE).build())
        .build();
    try {
      return Pem.readCertificate(BootstrapGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .getCaCertificate(GetCaCertificateRequest.getDefaultInstance()).getCaCertificatePem());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /**
   * The first {@code count} identities: read from {@code file}, and any missing enrolled now
   * (in parallel) and appended to it.
   */
  static List<AgentIdentity> identities(Path file, int count, String host, int port,
      X509Certificate ca) throws Exception {
    Files.writeString(caFile(file), Pem.certificate(ca), StandardCharsets.US_ASCII);
    List<AgentIdentity> known = Files.exists(file) ? read(file, count) : new ArrayList<>();
    if (known.size() >= count) {
      return known.subList(0, count);
    }
    long start = System.nanoTime();
    int from = known.size();
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, port)
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
            .trustManager(ca).build()).build();
    try {
      BootstrapGrpc.BootstrapBlockingStub stub = BootstrapGrpc.newBlockingStub(channel);
      // Each submit waits for the master's signature: many in flight keep the master busy.
      ForkJoinPool pool = new ForkJoinPool(32);
      try {
        // In chunks, each kept as soon as it is signed: a large fleet's enrolment that stops
        // half way resumes where it stopped.
        for (int chunk = from; chunk < count; chunk += ENROL_CHUNK) {
          int first = chunk;
          int last = Math.min(count, chunk + ENROL_CHUNK);
          List<AgentIdentity> added = pool.submit(() -> IntStream.range(first, last).parallel()
              .mapToObj(n -> enroll(stub, ReferenceCode.nodeName(n))).toList()).get();
          write(file, added);
          known.addAll(added);
        }
      } finally {
        pool.shutdown();
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    System.err.printf("enrolled %,d agents through the CSR path in %.1f s%n", count - from,
        (System.nanoTime() - start) / 1e9);
    return known;
  }

  /** The CA the identities in {@code file} chain to, kept beside it. */
  static Path caFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".ca.pem");
  }

  /** The identities enrolled before, without asking the master (it may not be up yet). */
  static List<AgentIdentity> stored(Path file, int count) throws Exception {
    List<AgentIdentity> known = read(file, count);
    if (known.size() < count) {
      throw new IllegalArgumentException(file + " holds " + known.size() + " identities, "
          + count + " wanted: enrol them first with mode run or streams");
    }
    return known;
  }

  private static AgentIdentity enroll(BootstrapGrpc.BootstrapBlockingStub stub, String node) {
    KeyPair keys = KeyMaterial.generate();
    CertificateStatus status = stub.withDeadlineAfter(60, TimeUnit.SECONDS)
        .submitCsr(SubmitCsrRequest.newBuilder().setCertname(node)
            .setCsrPem(KeyMaterial.csr(keys, node)).build());
    if (status.getState() != CertificateState.SIGNED) {
      throw new IllegalStateException("the master did not sign " + node + " (state "
          + status.getState() + "): start it with --autosign '*' for the simulation");
    }
    try {
      return new AgentIdentity(node, keys.getPrivate(),
          Pem.readCertificate(status.getCertificatePem()).getEncoded());
    } catch (IOException | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("unreadable certificate for " + node, e);
    }
  }

  /**
   * The first {@code count} identities of {@code file} (fewer if it holds fewer), read no
   * further: a 100,000-agent file is 70 MB, and a cold start's single client that parsed all
   * of it spent seconds of the measured start doing so.
   */
  private static List<AgentIdentity> read(Path file, int count) throws Exception {
    Base64.Decoder b64 = Base64.getDecoder();
    KeyFactory keys = KeyFactory.getInstance("EC");
    CertificateFactory certs = CertificateFactory.getInstance("X.509");
    List<AgentIdentity> out = new ArrayList<>();
    int line = 0;
    try (BufferedReader rows = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      for (String row; out.size() < count && (row = rows.readLine()) != null; ) {
        line++;
        String[] f = row.split("\t");
        if (f.length != 3) {
          throw new IllegalArgumentException(file + ":" + line + ": expected node, key and "
              + "certificate separated by tabs");
        }
        PrivateKey key = keys.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(f[1])));
        byte[] cert = b64.decode(f[2]);
        certs.generateCertificate(new ByteArrayInputStream(cert)); // refused here if unreadable
        out.add(new AgentIdentity(f[0], key, cert));
      }
    }
    return out;
  }

  private static void write(Path file, List<AgentIdentity> added) throws Exception {
    Base64.Encoder b64 = Base64.getEncoder();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
      for (AgentIdentity a : added) {
        w.write(a.node() + "\t" + b64.encodeToString(a.key().getEncoded()) + "\t"
            + b64.encodeToString(a.encodedCertificate()) + "\n");
      }
    }
  }
}
