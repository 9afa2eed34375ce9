package dev.stead.master.rpc;

import com.google.protobuf.ByteString;
import dev.stead.proto.v1.FileChunk;
import dev.stead.proto.v1.FileServiceGrpc;
import dev.stead.proto.v1.GetFileRequest;
import dev.stead.wire.ConfinedFiles;
import dev.stead.wire.SourceFiles;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Serves the bytes a {@code file} resource's {@code source} names, and the custom facts the
 * catalog's modules ship ({@code facts.d/}), by checksum, in chunks.
 * Least privilege: a node gets only what its own latest compiled catalog references
 * (PERMISSION_DENIED otherwise, whether or not such a file exists, so nothing is learnt by
 * asking); a referenced checksum the code no longer has (it changed since that compile) is
 * NOT_FOUND; a file that now leads outside its module through a symbolic link is
 * FAILED_PRECONDITION and logged. The bytes are hashed before they are sent, from the same
 * open file, and again as they are sent, and sent as the client can take them.
 */
public final class FileEndpoint extends FileServiceGrpc.FileServiceImplBase {
  private static final Logger LOG = Logger.getLogger(FileEndpoint.class.getName());
  private final SourceGrants grants;
  private final java.util.function.Function<String, List<Path>> moduleRoots;

  /** @param moduleRoots module directories searched in order, as the compiler searches them */
  public FileEndpoint(SourceGrants grants, List<Path> moduleRoots) {
    this(grants, node -> moduleRoots);
  }

  /**
   * @param moduleRoots a node's module directories in the compiler's order: those of the
   *     environment its catalogs are compiled from
   */
  public FileEndpoint(SourceGrants grants,
      java.util.function.Function<String, List<Path>> moduleRoots) {
    this.grants = grants;
    this.moduleRoots = moduleRoots;
  }

  @Override
  public void getFile(GetFileRequest request, StreamObserver<FileChunk> observer) {
    SeekableByteChannel file;
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
    new Sender((ServerCallStreamObserver<FileChunk>) observer, file, request.getChecksum())
        .start();
  }

  /**
   * The verified file for {@code checksum}, open at its start, or a status for the caller.
   * The file is opened again from the module, as the compiler reads it, and hashed through
   * the very channel that is then sent: a link swapped in since the compile is refused, and
   * what is sent is what was hashed.
   */
  private SeekableByteChannel find(String checksum) throws IOException {
    Identity identity = Identity.current();
    if (identity.isAnonymous()) {
      throw Status.UNAUTHENTICATED.withDescription("fetching files needs a client certificate")
          .asRuntimeException();
    }
    if (!SourceFiles.isChecksum(checksum)) {
      throw Unary.invalid("checksum must be 'sha256:' and 64 lower-case hex digits");
    }
    String node = identity.commonName();
    Set<SourceFiles.ModuleFile> sources = grants.sources(node, checksum);
    if (sources.isEmpty()) {
      throw Status.PERMISSION_DENIED.withDescription("the latest catalog of node '" + node
          + "' references no file with " + checksum).asRuntimeException();
    }
    String refused = null;
    for (SourceFiles.ModuleFile source : sources) {
      SeekableByteChannel channel;
      try {
        channel = SourceFiles.open(moduleRoots.apply(node), source);
      } catch (ConfinedFiles.OutsideBound e) {
        LOG.warning("refused to serve " + source + " to " + node + ": " + e.getMessage());
        refused = e.getMessage();
        continue;
      } catch (NoSuchFileException e) {
        continue;
      }
      boolean same;
      try {
        same = SourceFiles.checksum(Channels.newInputStream(new Unclosed(channel)))
            .equals(checksum);
        channel.position(0);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (same) {
        return channel;
      }
      channel.close();
    }
    if (refused != null) {
      throw Status.FAILED_PRECONDITION.withDescription(refused + "; not served")
          .asRuntimeException();
    }
    throw Status.NOT_FOUND.withDescription(sources.stream().map(FileEndpoint::shown)
        .collect(Collectors.joining(", "))
        + " no longer has " + checksum + " (the code changed since the catalog was compiled;"
        + " the next run gets a new catalog)").asRuntimeException();
  }

  /** A source as the code names it ({@code source app/a.conf}), any other file by its path. */
  private static String shown(SourceFiles.ModuleFile file) {
    return file.path().startsWith("files/")
        ? "source " + file.module() + "/" + file.path().substring("files/".length())
        : "module file " + file;
  }

  /**
   * Streams one file in chunks while the transport is ready (flow control: no buffering),
   * hashing what it sends: bytes changed in place while they go out end the call with
   * DATA_LOSS instead of a completed stream.
   */
  private static final class Sender implements Runnable {
    private final ServerCallStreamObserver<FileChunk> call;
    private final InputStream in;
    private final String checksum;
    private final MessageDigest sha = SourceFiles.sha256();
    private final byte[] buffer = new byte[SourceFiles.CHUNK_BYTES];
    private boolean sent;
    private boolean done;

    Sender(ServerCallStreamObserver<FileChunk> call, SeekableByteChannel file, String checksum) {
      this.call = call;
      this.in = Channels.newInputStream(file);
      this.checksum = checksum;
    }

    void start() {
      call.setOnCancelHandler(this::close);
      call.setOnReadyHandler(this);
    }

    @Override
    public synchronized void run() {
      try {
        while (!done && call.isReady()) {
          int n = in.readNBytes(buffer, 0, buffer.length);
          if (n > 0 || !sent) {
            sha.update(buffer, 0, n);
            call.onNext(FileChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n)).build());
            sent = true;
          }
          if (n < buffer.length) {
            close();
            if (SourceFiles.format(sha).equals(checksum)) {
              call.onCompleted();
            } else {
              call.onError(Status.DATA_LOSS.withDescription("the file with " + checksum
                  + " changed while it was sent; fetch it again").asRuntimeException());
            }
          }
        }
      } catch (IOException e) {
        close();
        call.onError(Status.UNAVAILABLE.withDescription("reading the file with " + checksum
            + " failed on the master: " + e.getMessage()).asRuntimeException());
      }
    }

    private synchronized void close() {
      done = true;
      try {
        in.close();
      } catch (IOException e) {
        // nothing to do: the stream was only read
      }
    }
  }

  /** A channel whose close is left to its owner (a stream over it closes it otherwise). */
  private record Unclosed(SeekableByteChannel channel) implements ReadableByteChannel {
    @Override
    public int read(ByteBuffer dst) throws IOException {
      return channel.read(dst);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() {
      // the owner closes the channel
    }
  }
}
