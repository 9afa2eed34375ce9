package dev.stead.agent.client;

import dev.stead.agent.resource.file.FileSource;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Fetches module files from the current master and, while a master is unavailable, from the
 * next ({@link Failover}): every master serves what the node's latest catalog in the shared
 * store references. A fetch fails over only while nothing of the file was written yet; one
 * cut off half-way fails like any broken transfer, since the bytes already written cannot be
 * taken back. Thread-safe.
 */
public final class FailoverFileSource implements FileSource {
  private final Failover masters;

  public FailoverFileSource(Failover masters) {
    this.masters = Objects.requireNonNull(masters, "masters");
  }

  @Override
  public void fetch(String source, String checksum, OutputStream out) throws IOException {
    Counting counted = new Counting(out);
    masters.call((channel, at) -> {
      try {
        new GrpcFileSource(channel, at.toString()).fetch(source, checksum, counted);
      } catch (IOException e) {
        if (counted.written > 0) {
          throw new IOException(e.getMessage() + " (cut off after " + counted.written
              + " bytes)"); // no gRPC cause: not failed over
        }
        throw e;
      }
      return null;
    });
  }

  /** Counts what went through, so a failover never appends to a half-written file. */
  private static final class Counting extends FilterOutputStream {
    private long written;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      written += len;
    }
  }
}
