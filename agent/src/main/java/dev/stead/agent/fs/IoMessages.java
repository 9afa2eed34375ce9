package dev.stead.agent.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One-line, human messages for I/O failures. NIO exceptions often carry only a path as their
 * message ("/etc/x"), which reads as nonsense in a report. Stateless.
 */
public final class IoMessages {
  private IoMessages() {}

  public static String describe(IOException e) {
    if (e instanceof RootEscapeException) {
      return e.getMessage();
    }
    if (e instanceof NoSuchFileException x) {
      return "no such file or directory: " + x.getFile();
    }
    if (e instanceof AccessDeniedException x) {
      return "permission denied: " + x.getFile();
    }
    if (e instanceof NotDirectoryException x) {
      return "not a directory: " + x.getFile();
    }
    if (e instanceof DirectoryNotEmptyException x) {
      return "directory not empty: " + x.getFile();
    }
    if (e instanceof FileAlreadyExistsException x) {
      return "already exists: " + x.getFile();
    }
    if (e instanceof FileSystemException x) {
      String reason = x.getReason() == null ? "failed" : x.getReason().toLowerCase();
      String file = x.getFile() == null ? "" : x.getFile();
      String other = x.getOtherFile() == null ? "" : " -> " + x.getOtherFile();
      return file + other + ": " + reason;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
