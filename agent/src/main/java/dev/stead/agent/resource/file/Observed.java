package dev.stead.agent.resource.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** What a path is now, read without following a link at the path itself. Immutable. */
record Observed(FileKind kind, Set<PosixFilePermission> permissions, String owner,
    String group, String linkTarget) {

  static final Observed ABSENT = new Observed(FileKind.ABSENT, Set.of(), "", "", "");

  static Observed of(Path path) throws IOException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return ABSENT;
    }
    FileKind kind = FileKind.of(attributes);
    String target = kind == FileKind.LINK ? Files.readSymbolicLink(path).toString() : "";
    return new Observed(kind, Set.copyOf(attributes.permissions()), attributes.owner().getName(),
        attributes.group().getName(), target);
  }

  String mode() {
    return Modes.render(permissions);
  }
}
