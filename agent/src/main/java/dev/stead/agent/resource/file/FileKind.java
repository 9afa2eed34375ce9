package dev.stead.agent.resource.file;

import java.nio.file.attribute.BasicFileAttributes;

/** What a path is, or should be; the tokens are the values of {@code ensure}. */
enum FileKind {
  FILE("file"),
  DIRECTORY("directory"),
  LINK("link"),
  ABSENT("absent"),
  /** A fifo, socket or device: never desired, only observed. */
  OTHER("other");

  private final String token;

  FileKind(String token) {
    this.token = token;
  }

  String token() {
    return token;
  }

  static FileKind ofEnsure(String value) {
    for (FileKind kind : values()) {
      if (kind != OTHER && kind.token.equals(value)) {
        return kind;
      }
    }
    return null;
  }

  static FileKind of(BasicFileAttributes attributes) {
    if (attributes.isSymbolicLink()) {
      return LINK;
    }
    if (attributes.isDirectory()) {
      return DIRECTORY;
    }
    if (attributes.isRegularFile()) {
      return FILE;
    }
    return OTHER;
  }
}
