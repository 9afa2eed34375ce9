package dev.stead.agent.resource.archive;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.SourceFiles;
import java.nio.file.Path;

/**
 * The {@code archive} type: fetch, verify, unpack. Its one property is {@code extracted},
 * whose desired value is the archive's checksum; before is {@code absent} (nothing says it
 * was unpacked) or the checksum of another archive kept at the title.
 */
public final class ArchiveType implements ResourceType {
  @Override
  public String name() {
    return ResourceTypes.ARCHIVE.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.ARCHIVE);
    String path = absolute("the title", p.title());
    String source = p.singleLine("source");
    String checksum = p.string("checksum");
    boolean https = SourceFiles.isHttps(source);
    if (!SourceFiles.isChecksum(checksum)) {
      throw new InvalidResourceException("`checksum` must be sha256:<64 hex digits>"
          + (https ? "" : " (the compiler sets it for a module file)") + ", got `" + checksum
          + "`");
    }
    String sourceCa = p.string("source_ca");
    if (sourceCa != null && !https) {
      throw new InvalidResourceException("`source_ca` is only for an https:// `source`");
    }
    if (sourceCa != null) {
      absolute("`source_ca`", sourceCa);
    }
    String extractPath = absolute("`extract_path`", p.string("extract_path"));
    String creates = p.string("creates");
    if (creates != null) {
      absolute("`creates`", creates);
    }
    boolean cleanup = p.bool("cleanup");
    if (cleanup && creates == null) {
      throw new InvalidResourceException("`cleanup` needs `creates`: without it, the kept"
          + " archive is what tells that it was unpacked");
    }
    return new ArchiveResource(path, source, checksum, sourceCa, extractPath, creates, cleanup,
        p.string("owner"), p.string("group"));
  }

  private static String absolute(String what, String path) throws InvalidResourceException {
    if (!path.startsWith("/") || path.indexOf('\n') >= 0 || path.indexOf('\0') >= 0
        || !Path.of(path).normalize().toString().equals(path)) {
      throw new InvalidResourceException(what + " must be a normalised absolute path, got `"
          + path + "`");
    }
    return path;
  }
}
