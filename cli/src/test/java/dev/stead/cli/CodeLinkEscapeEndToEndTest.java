package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.client.Channels;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.tls.SslFiles;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.proto.v1.FileChunk;
import dev.stead.proto.v1.FileServiceGrpc;
import dev.stead.proto.v1.GetFileRequest;
import dev.stead.wire.Pem;
import dev.stead.wire.SourceFiles;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA key leak through a module's symbolic link, against a real master and agent over
 * mutual TLS: the link is refused when the code is compiled, and a link swapped in after the
 * compile is refused when the file service serves, so {@code GetFile} never returns the key.
 */
class CodeLinkEscapeEndToEndTest {
  @TempDir Path tmp;

  private Path data;
  private Path code;

  private Path caKey() {
    return data.resolve("ca/ca_key.pem");
  }

  private Master start(String site) throws Exception {
    data = tmp.resolve("master");
    code = tmp.resolve("code");
    Files.createDirectories(code.resolve("modules/app/files"));
    Files.writeString(code.resolve("modules/app/files/app.conf"), "harmless\n");
    Files.writeString(code.resolve("site.groovy"), site);
    return Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start();
  }

  private String agentRun(Master master, Path state, Path root) throws Exception {
    Files.createDirectories(root.resolve("etc"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    new AgentRun(new AgentOptions(master.address(), "web1.test", state, root, false,
        master.caFingerprint(), false, 0)).runOnce(print, print);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static ManagedChannel channelOf(Master master, Path state) throws Exception {
    SslFiles ssl = new SslFiles(state.resolve("ssl"));
    return Channels.mutual(MasterAddress.parse(master.address()),
        Pem.readCertificate(Files.readString(ssl.ca())),
        Pem.readPrivateKey(Files.readString(ssl.privateKey())),
        Pem.readCertificate(Files.readString(ssl.certificate())));
  }

  /** What GetFile sent before it failed; it must fail. */
  private static StatusRuntimeException refusal(ManagedChannel channel, String checksum) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      Iterator<FileChunk> chunks = FileServiceGrpc.newBlockingStub(channel)
          .getFile(GetFileRequest.newBuilder().setChecksum(checksum).build());
      chunks.forEachRemaining(c -> got.writeBytes(c.getData().toByteArray()));
    } catch (StatusRuntimeException e) {
      assertThat(got.toString(StandardCharsets.UTF_8)).doesNotContain("PRIVATE KEY");
      assertThat(e.getStatus().getDescription()).doesNotContain("PRIVATE KEY");
      return e;
    }
    throw new AssertionError("GetFile served " + got.size() + " bytes: "
        + got.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aSourceLinkedToTheCaKeyFailsTheCompileAndIsNeverServed() throws Exception {
    try (Master master = start("""
        node('default') {
          file('/etc/cakey') { source 'app/cakey' }
        }
        """)) {
      Files.createSymbolicLink(code.resolve("modules/app/files/cakey"), caKey());
      Path state = tmp.resolve("state");
      Path root = tmp.resolve("root");

      String log = agentRun(master, state, root);

      assertThat(log).contains("site.groovy:2", "file[/etc/cakey]: source 'app/cakey':"
          + " modules/app/files/cakey leads outside module 'app' through a symbolic link")
          .doesNotContain("PRIVATE KEY");
      assertThat(root.resolve("etc/cakey")).doesNotExist();
      ManagedChannel channel = channelOf(master, state);
      try {
        String keySum = SourceFiles.checksum(Files.readAllBytes(caKey()));
        assertThat(refusal(channel, keySum).getStatus().getCode())
            .isEqualTo(Status.Code.PERMISSION_DENIED);
      } finally {
        Channels.close(channel);
      }
    }
  }

  /**
   * A swap after the compile. The files granted hold the CA key's own bytes, as a compile
   * that raced with the swap would have hashed them: only the check at serving time, not
   * the checksum, can refuse what the links now name.
   */
  @Test
  void aLinkSwappedInAfterTheCompileIsRefusedWhenServed() throws Exception {
    try (Master master = start("""
        node('default') {
          file('/etc/app.conf', source: 'app/app.conf')
          file('/etc/raced', source: 'app/raced')
          file('/etc/raced-dir', source: 'app/ca/ca_key.pem')
        }
        """)) {
      byte[] key = Files.readAllBytes(caKey());
      Path files = code.resolve("modules/app/files");
      Files.write(files.resolve("raced"), key);
      Files.createDirectories(files.resolve("ca"));
      Files.write(files.resolve("ca/ca_key.pem"), key);
      Path state = tmp.resolve("state");
      String log = agentRun(master, state, tmp.resolve("root"));
      assertThat(tmp.resolve("root/etc/raced")).as(log).exists();

      // Each granted file becomes a link to the master's CA key: absolute, relative, and a
      // directory on the way.
      Files.delete(files.resolve("raced"));
      Files.createSymbolicLink(files.resolve("raced"), caKey());
      Files.delete(files.resolve("app.conf"));
      Files.createSymbolicLink(files.resolve("app.conf"), files.relativize(caKey()));
      Files.move(files.resolve("ca"), files.resolve("ca.old"));
      Files.createSymbolicLink(files.resolve("ca"), files.relativize(caKey().getParent()));

      ManagedChannel channel = channelOf(master, state);
      try {
        StatusRuntimeException refused = refusal(channel, SourceFiles.checksum(key));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getStatus().getDescription()).contains("leads outside module"
            + " 'app' through a symbolic link", "not served");
        assertThat(refusal(channel, SourceFiles.checksum("harmless\n".getBytes(
            StandardCharsets.UTF_8))).getStatus().getCode())
            .isEqualTo(Status.Code.FAILED_PRECONDITION);
      } finally {
        Channels.close(channel);
      }
    }
  }
}
