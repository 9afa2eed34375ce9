package dev.stead.agent.resource.file;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One path as {@link Observed} sees it: kind, owner, group, mode, a link's target, and a
 * small text file's content (a binary or larger file's content is left unmanaged). Paths
 * cannot be listed.
 */
public final class FileInspection implements Inspection {
  /** Larger files are shown without content: a declaration is no place for them. */
  static final int MAX_CONTENT = 64 * 1024;

  @Override
  public String type() {
    return "file";
  }

  @Override
  public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
    if (!name.startsWith("/")) {
      throw new IllegalArgumentException("a file is named by its absolute path, not " + name);
    }
    Path path = context.paths().resolve(name);
    Observed seen = Observed.of(path);
    if (seen.kind() == FileKind.ABSENT) {
      return Optional.empty();
    }
    if (seen.kind() == FileKind.OTHER) {
      throw new IOException(name + " is a fifo, socket or device, which no file resource manages");
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ensure", seen.kind().token());
    if (seen.kind() == FileKind.LINK) {
      p.put("target", seen.linkTarget());
    }
    p.put("owner", seen.owner());
    p.put("group", seen.group());
    if (seen.kind() != FileKind.LINK) {
      p.put("mode", seen.mode());
    }
    if (seen.kind() == FileKind.FILE && Files.size(path) <= MAX_CONTENT) {
      text(Files.readAllBytes(path)).ifPresent(text -> p.put("content", text));
    }
    return Optional.of(new Inspected("file", name, p));
  }

  @Override
  public List<Inspected> all(ApplyContext context) {
    throw new UnsupportedOperationException("files cannot be listed: name one by its path");
  }

  private static Optional<String> text(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
