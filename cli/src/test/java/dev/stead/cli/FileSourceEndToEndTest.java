package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.Progress;
import dev.stead.agent.client.Channels;
import dev.stead.agent.client.GrpcFileSource;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.resource.file.FileSource;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.agent.tls.SslFiles;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.FileServiceGrpc;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetFileRequest;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceStatus;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code file(..., source:)} with a real master and real agents over mutual TLS on loopback:
 * the bytes come by checksum, in chunks, only when the local copy differs, and only to a node
 * whose own catalog references them.
 */
class FileSourceEndToEndTest {
  private static final String KEY = "file[/etc/app.conf]";

  @TempDir Path tmp;

  /** Larger than several chunks, so the stream is really reassembled. */
  private static String bigConfig(String seed) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < 3 * SourceFiles.CHUNK_BYTES + 1234; i++) {
      b.append(seed).append(" line ").append(i).append('\n');
    }
    return b.toString();
  }

  private Path writeCode(String appConf) throws Exception {
    Path code = tmp.resolve("code");
    Files.createDirectories(code.resolve("modules/app/files"));
    Files.writeString(code.resolve("modules/app/files/app.conf"), appConf);
    Files.writeString(code.resolve("modules/app/files/db.conf"), "db only\n");
    Files.writeString(code.resolve("site.groovy"), """
        node('db.test') {
          file('/etc/db.conf', source: 'stead:///modules/app/db.conf')
        }
        node('default') {
          file('/etc/app.conf', source: 'app/app.conf', mode: '0640')
        }
        """);
    return code;
  }

  private int agentRun(Master master, String node, Path state, Path root, StringBuilder log) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = new AgentRun(new AgentOptions(master.address(), node, state, root, false,
        master.caFingerprint(), false, 0)).runOnce(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    log.append(out.toString(StandardCharsets.UTF_8));
    return code;
  }

  /** A mutual-TLS channel with the identity a finished agent run left in {@code state}. */
  private static ManagedChannel channelOf(Master master, Path state) throws Exception {
    SslFiles ssl = new SslFiles(state.resolve("ssl"));
    return Channels.mutual(MasterAddress.parse(master.address()),
        Pem.readCertificate(Files.readString(ssl.ca())),
        Pem.readPrivateKey(Files.readString(ssl.privateKey())),
        Pem.readCertificate(Files.readString(ssl.certificate())));
  }

  private static Event content(Report report) {
    return report.getResourcesList().stream().filter(r -> r.getKey().equals(KEY))
        .flatMap(r -> r.getEventsList().stream())
        .filter(e -> e.getProperty().equals("content")).findFirst().orElseThrow();
  }

  @Test
  void aSourcedFileConvergesIsFetchedOnlyWhenItDiffersAndOnlyByItsOwnNode() throws Exception {
    String appConf = bigConfig("v1");
    Path code = writeCode(appConf);
    String checksum = SourceFiles.checksum(appConf.getBytes(StandardCharsets.UTF_8));
    try (Master master = Master.builder(
        new MasterConfig(tmp.resolve("master"), code, List.of(), "127.0.0.1", 0, "*")).start()) {
      // The shipped agent run: bootstrap, catalog, fetch, write.
      Path state = tmp.resolve("state");
      Path root = tmp.resolve("root");
      Files.createDirectories(root.resolve("etc"));
      StringBuilder log = new StringBuilder();
      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isEqualTo(2);
      assertThat(root.resolve("etc/app.conf")).hasContent(appConf);
      assertThat(Files.getPosixFilePermissions(root.resolve("etc/app.conf")))
          .hasSize(3); // 0640: owner rw, group r
      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isZero();

      ManagedChannel channel = channelOf(master, state);
      try {
        Catalog catalog = CatalogServiceGrpc.newBlockingStub(channel).getCatalog(
            GetCatalogRequest.newBuilder().setNode("web1.test")
                .setFacts(Facts.getDefaultInstance()).build()).getCatalog();
        assertThat(catalog.toString()).doesNotContain("v1 line");
        AtomicInteger fetches = new AtomicInteger();
        FileSource grpc = new GrpcFileSource(channel, master.address());
        FileSource counting = (source, sum, out) -> {
          fetches.incrementAndGet();
          grpc.fetch(source, sum, out);
        };
        Path root2 = tmp.resolve("root2");
        Files.createDirectories(root2.resolve("etc"));
        Converger converger = new Converger(
            new ConvergeOptions(root2, tmp.resolve("state2"), false));
        Converger noop = new Converger(
            new ConvergeOptions(root2, tmp.resolve("state2"), true));

        Report first = converger.converge(catalog, Progress.NONE, NodeSecrets.none(), counting);
        assertThat(fetches).hasValue(1);
        assertThat(root2.resolve("etc/app.conf")).hasContent(appConf);
        assertThat(content(first).getAfter()).isEqualTo(checksum);
        assertThat(content(first).getKind()).isEqualTo(ChangeKind.INTENDED);

        Report second = converger.converge(catalog, Progress.NONE, NodeSecrets.none(), counting);
        assertThat(fetches).hasValue(1);
        assertThat(second.getResourcesList()).allSatisfy(r -> assertThat(r.getEventsList())
            .isEmpty());

        Files.writeString(root2.resolve("etc/app.conf"), "tampered\n");
        Report checked = noop.converge(catalog, Progress.NONE, NodeSecrets.none(), counting);
        assertThat(fetches).as("noop never fetches").hasValue(1);
        assertThat(content(checked).getAfter()).isEqualTo(checksum);
        assertThat(root2.resolve("etc/app.conf")).hasContent("tampered\n");

        Report repaired = converger.converge(catalog, Progress.NONE, NodeSecrets.none(),
            counting);
        assertThat(fetches).hasValue(2);
        assertThat(content(repaired).getKind()).isEqualTo(ChangeKind.DRIFT);
        assertThat(content(repaired).getBefore())
            .isEqualTo(SourceFiles.checksum("tampered\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(root2.resolve("etc/app.conf")).hasContent(appConf);

        // db.conf exists in the code, but only db.test's catalog references it.
        String dbSum = SourceFiles.checksum("db only\n".getBytes(StandardCharsets.UTF_8));
        FileServiceGrpc.FileServiceBlockingStub files = FileServiceGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> files.getFile(GetFileRequest.newBuilder()
                .setChecksum(dbSum).build()).forEachRemaining(c -> { }))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));

        // Changed since the compile: the old checksum is no longer served, and the resource
        // fails with the reason while the file is left as it was.
        Files.writeString(code.resolve("modules/app/files/app.conf"), bigConfig("v2"));
        assertThatThrownBy(() -> files.getFile(GetFileRequest.newBuilder()
                .setChecksum(checksum).build()).forEachRemaining(c -> { }))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        Files.writeString(root2.resolve("etc/app.conf"), "tampered again\n");
        Report failed = converger.converge(catalog, Progress.NONE, NodeSecrets.none(), counting);
        assertThat(failed.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
        assertThat(failed.getResources(0).getMessage())
            .contains("cannot fetch source app/app.conf", "NOT_FOUND");
        assertThat(root2.resolve("etc/app.conf")).hasContent("tampered again\n");
      } finally {
        Channels.close(channel);
      }
    }
  }

  @Test
  void aDirectoryTreeFromAModuleComesFromTheMasterFileByFile() throws Exception {
    Path code = tmp.resolve("tree-code");
    Files.createDirectories(code.resolve("modules/app/files/conf.d/sub"));
    Files.writeString(code.resolve("modules/app/files/conf.d/a.conf"), bigConfig("a"));
    Files.writeString(code.resolve("modules/app/files/conf.d/sub/b.conf"), "b\n");
    Files.writeString(code.resolve("site.groovy"), """
        node('default') {
          file('/etc/app', ensure: 'directory', recurse: true, purge: true, mode: '0640',
              source: 'app/conf.d')
        }
        """);
    try (Master master = Master.builder(new MasterConfig(tmp.resolve("tree-master"), code, List.of(),
        "127.0.0.1", 0, "*")).start()) {
      Path state = tmp.resolve("tree-state");
      Path root = tmp.resolve("tree-root");
      Files.createDirectories(root.resolve("etc/app"));
      Files.writeString(root.resolve("etc/app/stray.conf"), "not in the module\n");
      StringBuilder log = new StringBuilder();

      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isEqualTo(2);
      assertThat(root.resolve("etc/app/a.conf")).hasContent(bigConfig("a"));
      assertThat(root.resolve("etc/app/sub/b.conf")).hasContent("b");
      assertThat(root.resolve("etc/app/stray.conf")).as("purged").doesNotExist();
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(root.resolve("etc/app/sub")))).isEqualTo("rwxr-x---");

      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isZero();
      Files.writeString(root.resolve("etc/app/sub/b.conf"), "tampered\n");
      assertThat(agentRun(master, "web1.test", state, root, log)).as(log::toString).isEqualTo(2);
      assertThat(root.resolve("etc/app/sub/b.conf")).hasContent("b");
    }
  }
}
