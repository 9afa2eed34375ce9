package dev.stead.agent.client;

import dev.stead.agent.resource.file.FileSource;
import dev.stead.proto.v1.FileChunk;
import dev.stead.proto.v1.FileServiceGrpc;
import dev.stead.proto.v1.GetFileRequest;
import dev.stead.wire.SourceFiles;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Fetches sources from the master over the agent's mutual-TLS channel, by checksum, as a
 * stream of chunks (so no single message nears gRPC's limit). The master hands out only what
 * this node's own latest catalog references. Thread-safe (the channel is).
 */
public final class GrpcFileSource implements FileSource {
  /** Per file: generous, since a large file arrives in many chunks. */
  private static final long DEADLINE_S = 300;
  private final Channel channel;
  private final String address;

  /** @param address the master's address, for messages */
  public GrpcFileSource(Channel channel, String address) {
    this.channel = channel;
    this.address = address;
  }

  @Override
  public byte[] fetch(String source, String checksum) throws IOException {
    // Cancelled on the way out: a fetch abandoned half-way must not keep the stream open.
    try (Context.CancellableContext call = Context.current().withCancellation()) {
      return call.call(() -> receive(source, checksum));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private byte[] receive(String source, String checksum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Iterator<FileChunk> chunks = FileServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
          .getFile(GetFileRequest.newBuilder().setChecksum(checksum).build());
      while (chunks.hasNext()) {
        chunks.next().getData().writeTo(out);
        if (out.size() > SourceFiles.MAX_BYTES) {
          // The compiler refuses sources this large: the master sent more than it should.
          throw new IOException(source + " exceeds " + (SourceFiles.MAX_BYTES >> 20)
              + " MiB, the most a source may be; nothing written");
        }
      }
    } catch (StatusRuntimeException e) {
      throw new IOException(e.getStatus().getCode() + " from the master at " + address
          + (e.getStatus().getDescription() == null ? ""
              : ": " + e.getStatus().getDescription()), e);
    }
    return out.toByteArray();
  }
}
