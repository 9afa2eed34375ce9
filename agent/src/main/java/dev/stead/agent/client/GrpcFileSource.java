package dev.stead.agent.client;

import dev.stead.agent.resource.file.FileSource;
import dev.stead.proto.v1.FileChunk;
import dev.stead.proto.v1.FileServiceGrpc;
import dev.stead.proto.v1.GetFileRequest;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
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
  public void fetch(String source, String checksum, OutputStream out) throws IOException {
    // Cancelled on the way out: a fetch abandoned half-way (a failed write) must not keep
    // the stream open until its deadline.
    try (Context.CancellableContext call = Context.current().withCancellation()) {
      call.call(() -> {
        receive(checksum, out);
        return null;
      });
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private void receive(String checksum, OutputStream out) throws IOException {
    try {
      Iterator<FileChunk> chunks = FileServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
          .getFile(GetFileRequest.newBuilder().setChecksum(checksum).build());
      while (chunks.hasNext()) {
        chunks.next().getData().writeTo(out);
      }
    } catch (StatusRuntimeException e) {
      throw new IOException(e.getStatus().getCode() + " from the master at " + address
          + (e.getStatus().getDescription() == null ? ""
              : ": " + e.getStatus().getDescription()), e);
    }
  }
}
