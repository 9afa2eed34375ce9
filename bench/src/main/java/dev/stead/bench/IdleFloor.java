package dev.stead.bench;

import dev.stead.agent.client.Channels;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor under the agent daemon's idle RSS: a JVM started with the daemon's own flags that
 * opens the same kind of channel (mutual TLS 1.3 through {@link Channels}, the agent's key
 * and certificates), makes a few calls, collects like the daemon does after a run, then
 * idles holding the channel. Nothing else of Stead is loaded, so what this process holds is
 * what gRPC-Java, Netty and the JDK's TLS cost before any configuration management.
 * {@code bench/agent/daemon.sh} starts it next to the real daemon and reads both from /proc.
 *
 * <p>Arguments: {@code HOST:PORT SSL_DIR [CALLS]}.
 */
public final class IdleFloor {
  private IdleFloor() {}

  public static void main(String[] args) throws Exception {
    MasterAddress address = MasterAddress.parse(args[0]);
    SslFiles ssl = new SslFiles(Path.of(args[1]));
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    ManagedChannel channel = Channels.mutual(address,
        Pem.readCertificate(Files.readString(ssl.ca())),
        Pem.readPrivateKey(Files.readString(ssl.privateKey())),
        Pem.readCertificate(Files.readString(ssl.certificate())));
    var stub = BootstrapGrpc.newBlockingStub(channel);
    for (int i = 0; i < calls; i++) {
      stub.getCaCertificate(GetCaCertificateRequest.getDefaultInstance());
    }
    System.gc();
    System.out.println("idle-floor: " + calls + " calls made; idling");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
