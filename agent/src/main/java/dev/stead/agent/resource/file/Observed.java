package dev.stead.agent.resource.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * What a path is now, read without following a link at the path itself. Owner and group
 * names are looked up only when asked for: each lookup is a passwd/group database query, and
 * most file resources manage neither. Immutable (the names are memoised).
 */
final class Observed {
  static final Observed ABSENT = new Observed(FileKind.ABSENT, null, "");

  private final FileKind kind;
  private final PosixFileAttributes attributes;
  private final String linkTarget;
  private String owner;
  private String group;

  private Observed(FileKind kind, PosixFileAttributes attributes, String linkTarget) {
    this.kind = kind;
    this.attributes = attributes;
    this.linkTarget = linkTarget;
  }

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
    return new Observed(kind, attributes, target);
  }

  FileKind kind() {
    return kind;
  }

  Set<PosixFilePermission> permissions() {
    return attributes == null ? Set.of() : Set.copyOf(attributes.permissions());
  }

  String owner() {
    if (owner == null) {
      owner = attributes == null ? "" : attributes.owner().getName();
    }
    return owner;
  }

  String group() {
    if (group == null) {
      group = attributes == null ? "" : attributes.group().getName();
    }
    return group;
  }

  String linkTarget() {
    return linkTarget;
  }

  String mode() {
    return attributes == null ? Modes.render(Set.of()) : Modes.render(attributes.permissions());
  }
}
