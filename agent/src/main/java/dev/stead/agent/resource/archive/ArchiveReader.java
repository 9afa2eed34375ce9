package dev.stead.agent.resource.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Reads the entries of an archive file in order, telling the format by its first bytes, not
 * its name: zip, gzip- or bzip2-compressed tar, or plain tar. Stateless.
 */
final class ArchiveReader {
  private ArchiveReader() {}

  /** Receives each entry; {@code content} holds a file's bytes (empty for other kinds). */
  @FunctionalInterface
  interface Visitor {
    void entry(ArchiveEntry entry, InputStream content) throws IOException;
  }

  /** Hands every entry of {@code archive} to {@code visitor}, in the archive's order. */
  static void read(Path archive, Visitor visitor) throws IOException {
    byte[] head = new byte[512];
    int n;
    try (InputStream in = Files.newInputStream(archive)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
      readZip(archive, visitor);
    } else if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 64 * 1024)) {
        readTar(in, visitor);
      }
    } else if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
      try (InputStream in = new BZip2CompressorInputStream(
          new BufferedInputStream(Files.newInputStream(archive), 64 * 1024))) {
        readTar(in, visitor);
      }
    } else if (n == 512 && new String(head, 257, 5, StandardCharsets.US_ASCII)
        .equals("ustar")) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 64 * 1024)) {
        readTar(in, visitor);
      }
    } else {
      throw new IOException("not an archive this agent reads (tar, tar.gz, tar.bz2 or zip,"
          + " told apart by their first bytes)");
    }
  }

  private static void readTar(InputStream in, Visitor visitor) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
      ArchiveEntry.Kind kind;
      // Asked first: isFile() also answers true for these.
      if (e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice()) {
        kind = ArchiveEntry.Kind.OTHER;
      } else if (e.isSymbolicLink()) {
        kind = ArchiveEntry.Kind.SYMLINK;
      } else if (e.isLink()) {
        kind = ArchiveEntry.Kind.HARDLINK;
      } else if (e.isDirectory()) {
        kind = ArchiveEntry.Kind.DIRECTORY;
      } else if (e.isFile()) {
        kind = ArchiveEntry.Kind.FILE;
      } else {
        kind = ArchiveEntry.Kind.OTHER;
      }
      String link = kind == ArchiveEntry.Kind.SYMLINK || kind == ArchiveEntry.Kind.HARDLINK
          ? e.getLinkName() : "";
      visitor.entry(new ArchiveEntry(e.getName(), kind, link, e.getMode() & 07777,
          e.getLastModifiedTime()), tar);
    }
  }

  private static void readZip(Path archive, Visitor visitor) throws IOException {
    try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
      for (Enumeration<ZipArchiveEntry> all = zip.getEntriesInPhysicalOrder();
          all.hasMoreElements(); ) {
        ZipArchiveEntry e = all.nextElement();
        int unix = e.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? e.getUnixMode() : 0;
        ArchiveEntry.Kind kind;
        String link = "";
        if (e.isUnixSymlink()) {
          kind = ArchiveEntry.Kind.SYMLINK;
          link = zip.getUnixSymlink(e);
        } else if (e.isDirectory()) {
          kind = ArchiveEntry.Kind.DIRECTORY;
        } else if (unix == 0 || (unix & 0170000) == 0100000 || (unix & 0170000) == 0) {
          kind = ArchiveEntry.Kind.FILE;
        } else {
          kind = ArchiveEntry.Kind.OTHER;
        }
        int mode = unix == 0 ? -1 : unix & 07777;
        if (kind == ArchiveEntry.Kind.FILE && !zip.canReadEntryData(e)) {
          throw new IOException("entry '" + e.getName() + "' uses a zip feature this agent"
              + " cannot read (method " + e.getMethod() + ", or encryption)");
        }
        try (InputStream in = kind == ArchiveEntry.Kind.FILE ? zip.getInputStream(e)
            : InputStream.nullInputStream()) {
          visitor.entry(new ArchiveEntry(e.getName(), kind, link, mode,
              e.getLastModifiedTime()), in);
        }
      }
    }
  }
}
