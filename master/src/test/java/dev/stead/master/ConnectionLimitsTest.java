package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.code.CompileOutcome;
import dev.stead.master.rpc.ConnectionLimits;
import dev.stead.master.rpc.ServerTransport;
import dev.stead.master.rpc.TlsServer;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Connections that hold the master's file descriptors without doing anything: fully set-up
 * HTTP/2 connections without a certificate (TLS done, preface and settings exchanged), TCP
 * connections that never start TLS, and more connections from one address than it may keep.
 * The attacker's connections are raw sockets, as an attacker would open them. The limits are
 * the gate's, on the listening channel, so they are tested over both transports.
 */
class ConnectionLimitsTest {
  private static final String NODE = "web1.example.com";
  /** How long a test waits for the master to close a connection. */
  private static final int CLOSE_BOUND_MS = 15_000;
  @TempDir Path data;
  @TempDir Path code;
  private Master master;
  private X509Certificate ca;
  private final List<Socket> sockets = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  private void start(ConnectionLimits limits) throws Exception {
    startLogged(limits);
  }

  /** Starts the master; returns the port's start-up log lines (which transport serves it). */
  private List<String> startLogged(ConnectionLimits limits) throws Exception {
    try (LogCapture tlsLog = LogCapture.of(TlsServer.class)) {
      startMaster(limits);
      return tlsLog.messages();
    }
  }

  private void startMaster(ConnectionLimits limits) throws Exception {
    master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")
            .withConnectionLimits(limits))
        .catalogSource((n, facts) -> CompileOutcome.compiled(
            Catalogs.seal(Catalog.newBuilder().setNode(n).setCodeVersion("t").build())))
        .start();
    ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
    if (master != null) {
      master.close();
    }
    System.clearProperty(ServerTransport.PROPERTY);
  }

  @Test
  void idleConnectionsWithoutACertificateAreClosedAfterTheIdleLimit() throws Exception {
    start(ConnectionLimits.defaults().withIdle(Duration.ofSeconds(1)));
    List<Socket> idle = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      idle.add(openHttp2("127.0.0.1"));
    }

    for (Socket s : idle) {
      assertThat(closedByMaster(s)).as("an idle connection without a certificate is closed")
          .isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void aConnectionThatNeverStartsTlsIsClosedAfterTheHandshakeLimit(String transport)
      throws Exception {
    System.setProperty(ServerTransport.PROPERTY, transport);
    assertThat(startLogged(ConnectionLimits.defaults().withHandshake(Duration.ofSeconds(1))))
        .anySatisfy(line -> assertThat(line).contains(
            " over " + (transport.equals("epoll") ? "epoll" : "Java NIO")));
    Socket silent = new Socket();
    sockets.add(silent);
    silent.connect(new InetSocketAddress("127.0.0.1", master.port()), 5_000);
    long started = System.nanoTime();

    assertThat(closedByMaster(silent)).isTrue();
    // The transport's own handshake timeout would be 10 s; the configured 1 s applies.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void anAddressOverItsLimitIsRefusedWhileANodeStillGetsItsCatalog(String transport)
      throws Exception {
    System.setProperty(ServerTransport.PROPERTY, transport);
    assertThat(startLogged(ConnectionLimits.defaults().withPerAddress(4)))
        .anySatisfy(line -> assertThat(line).contains(
            " over " + (transport.equals("epoll") ? "epoll" : "Java NIO")));
    // 127.0.0.2 is another source address on the loopback interface.
    List<Socket> attacker = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      attacker.add(openHttp2("127.0.0.2"));
    }
    assertThat(refused("127.0.0.2")).as("a fifth connection from the same address").isTrue();

    KeyPair key = TestPki.ecKey();
    ManagedChannel anonymous = channel(TestPki.channel(master.port(), ca, null, null));
    CertificateStatus status = BootstrapGrpc.newBlockingStub(anonymous)
        .withDeadlineAfter(15, TimeUnit.SECONDS).submitCsr(SubmitCsrRequest.newBuilder()
            .setCertname(NODE).setCsrPem(TestPki.csr(NODE, key)).build());
    ManagedChannel node = channel(TestPki.channel(master.port(), ca, key.getPrivate(),
        Pem.parseCertificate(status.getCertificatePem())));
    assertThat(CatalogServiceGrpc.newBlockingStub(node).withDeadlineAfter(15, TimeUnit.SECONDS)
        .getCatalog(GetCatalogRequest.newBuilder().setNode(NODE).build()).getCatalog().getNode())
        .isEqualTo(NODE);

    // A closed connection frees its place.
    attacker.get(0).close();
    Socket again = null;
    long deadline = System.currentTimeMillis() + CLOSE_BOUND_MS;
    while (again == null && System.currentTimeMillis() < deadline) {
      try {
        again = openHttp2("127.0.0.2");
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    assertThat(again).as("a new connection once one was closed").isNotNull();
  }

  private ManagedChannel channel(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  /**
   * A TLS connection from {@code localAddress} without a client certificate, with HTTP/2 set
   * up: the client preface and SETTINGS sent, the master's SETTINGS frame read.
   */
  private Socket openHttp2(String localAddress) throws Exception {
    Socket tcp = new Socket();
    sockets.add(tcp);
    tcp.bind(new InetSocketAddress(localAddress, 0));
    tcp.connect(new InetSocketAddress("127.0.0.1", master.port()), 5_000);
    tcp.setSoTimeout(5_000);
    SSLSocket tls = (SSLSocket) TestPki.jdkTls(null, ca).getSocketFactory()
        .createSocket(tcp, "127.0.0.1", master.port(), true);
    sockets.add(tls);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"h2"});
    parameters.setProtocols(new String[] {"TLSv1.3"});
    tls.setSSLParameters(parameters);
    tls.startHandshake();
    OutputStream out = tls.getOutputStream();
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
    out.flush();
    byte[] header = tls.getInputStream().readNBytes(9);
    if (header.length < 9 || header[3] != 4) {
      throw new IOException("no SETTINGS frame from the master");
    }
    return tls;
  }

  /** Whether the master closes {@code socket} within the bound (anything read is drained). */
  private static boolean closedByMaster(Socket socket) throws IOException {
    socket.setSoTimeout(CLOSE_BOUND_MS);
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      while (in.read(buffer) >= 0) {
        // A GOAWAY frame, then the end of the stream.
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset or a TLS close: closed all the same
    }
  }

  private boolean refused(String localAddress) throws Exception {
    try {
      Socket s = openHttp2(localAddress);
      return closedByMaster(s);
    } catch (IOException e) {
      return true;
    }
  }
}
