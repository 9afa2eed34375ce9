package dev.stead.master.rpc;

import com.google.protobuf.ByteString;
import dev.stead.proto.v1.FileChunk;
import dev.stead.proto.v1.FileServiceGrpc;
import dev.stead.proto.v1.GetFileRequest;
import dev.stead.wire.SourceFiles;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves the bytes a {@code file} resource's {@code source} names, by checksum, in chunks.
 * Least privilege: a node gets only what its own latest compiled catalog references
 * (PERMISSION_DENIED otherwise, whether or not such a file exists, so nothing is learnt by
 * asking); a referenced checksum the code no longer has (it changed since that compile) is
 * NOT_FOUND. The bytes are hashed before they are sent, and sent as the client can take them.
 */
public final class FileEndpoint extends FileServiceGrpc.FileServiceImplBase {
  private static final Logger LOG = Logger.getLogger(FileEndpoint.class.getName());
  private final SourceGrants grants;
  private final List<Path> moduleRoots;

  /** @param moduleRoots module directories searched in order, as the compiler searches them */
  public FileEndpoint(SourceGrants grants, List<Path> moduleRoots) {
    this.grants = grants;
    this.moduleRoots = List.copyOf(moduleRoots);
  }

  @Override
  public void getFile(GetFileRequest request, StreamObserver<FileChunk> observer) {
    Path file;
    try {
      file = find(request.getChecksum());
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "serving " + request.getChecksum() + " failed", e);
      observer.onError(Status.INTERNAL.withDescription("serving " + request.getChecksum()
          + " failed on the master: " + e).asRuntimeException());
      return;
    }
    new Sender((ServerCallStreamObserver<FileChunk>) observer, file).start();
  }

  /** The verified file for {@code checksum}, or a status for the caller. */
  private Path find(String checksum) throws IOException {
    Identity identity = Identity.current();
    if (identity.isAnonymous()) {
      throw Status.UNAUTHENTICATED.withDescription("fetching files needs a client certificate")
          .asRuntimeException();
    }
    if (!SourceFiles.isChecksum(checksum)) {
      throw Unary.invalid("checksum must be 'sha256:' and 64 lower-case hex digits");
    }
    String node = identity.commonName();
    Set<String> sources = grants.sources(node, checksum);
    if (sources.isEmpty()) {
      throw Status.PERMISSION_DENIED.withDescription("the latest catalog of node '" + node
          + "' references no file with " + checksum).asRuntimeException();
    }
    for (String source : sources) {
      Optional<Path> path = SourceFiles.locate(moduleRoots, SourceFiles.canonical(source));
      if (path.isPresent() && Files.isRegularFile(path.get())
          && SourceFiles.checksum(path.get()).equals(checksum)) {
        return path.get();
      }
    }
    throw Status.NOT_FOUND.withDescription("source " + String.join(", ", sources)
        + " no longer has " + checksum + " (the code changed since the catalog was compiled;"
        + " the next run gets a new catalog)").asRuntimeException();
  }

  /** Streams one file in chunks while the transport is ready (flow control: no buffering). */
  private static final class Sender implements Runnable {
    private final ServerCallStreamObserver<FileChunk> call;
    private final Path file;
    private final byte[] buffer = new byte[SourceFiles.CHUNK_BYTES];
    private InputStream in;
    private boolean sent;
    private boolean done;

    Sender(ServerCallStreamObserver<FileChunk> call, Path file) {
      this.call = call;
      this.file = file;
    }

    void start() {
      call.setOnCancelHandler(this::close);
      call.setOnReadyHandler(this);
    }

    @Override
    public synchronized void run() {
      try {
        if (in == null && !done) {
          in = Files.newInputStream(file);
        }
        while (!done && call.isReady()) {
          int n = in.readNBytes(buffer, 0, buffer.length);
          if (n > 0 || !sent) {
            call.onNext(FileChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n)).build());
            sent = true;
          }
          if (n < buffer.length) {
            close();
            call.onCompleted();
          }
        }
      } catch (IOException e) {
        close();
        call.onError(Status.UNAVAILABLE.withDescription("reading " + file.getFileName()
            + " failed on the master: " + e.getMessage()).asRuntimeException());
      }
    }

    private synchronized void close() {
      done = true;
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // nothing to do: the stream was only read
        }
      }
    }
  }
}
