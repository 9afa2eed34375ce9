package dev.stead.agent.resource.fetch;

import dev.stead.wire.AtomicFiles;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * Fetches a resource's {@code source} into a staged file beside its target and checks it
 * against the catalog's checksum before anyone can see it: a module file from the run's
 * {@link dev.stead.agent.resource.file.FileSource} (the master, or the module directories of
 * {@code stead apply}), an {@code https://} URL through {@link HttpsDownload}. A large file
 * streams to disk and is never held in memory. Stateless.
 */
public final class SourceFetch {
  private SourceFetch() {}

  /**
   * Stages {@code source} beside {@code target}; the caller commits the result or closes it.
   *
   * @param caFile for an https source, the catalog's {@code source_ca} (as the catalog names
   *     it; re-based under the run's root here), or null for the system's CAs
   * @throws IOException naming the source and, on a mismatch, the expected and actual
   *     checksums; nothing is left behind
   */
  public static AtomicFiles.Staged stage(ApplyContext context, Path target, String source,
      String checksum, String caFile) throws IOException {
    MessageDigest sha = SourceFiles.sha256();
    AtomicFiles.Staged staged;
    try {
      if (SourceFiles.isHttps(source)) {
        Path ca = caFile == null ? null : context.paths().resolve(caFile);
        staged = AtomicFiles.stage(target,
            out -> HttpsDownload.fetch(source, ca, new DigestOutputStream(out, sha)));
      } else {
        staged = AtomicFiles.stage(target,
            out -> context.files().fetch(source, checksum, new DigestOutputStream(out, sha)));
      }
    } catch (IOException e) {
      throw new IOException("cannot fetch source " + source + " (" + checksum + "): "
          + IoMessages.describe(e), e);
    }
    String got = SourceFiles.format(sha);
    if (!got.equals(checksum)) {
      staged.close();
      throw new IOException("source " + source + " arrived with " + got
          + ", not the catalog's " + checksum + "; nothing written");
    }
    return staged;
  }
}
