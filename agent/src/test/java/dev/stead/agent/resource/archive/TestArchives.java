package dev.stead.agent.resource.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Archives for tests, built entry by entry in memory: well-formed ones and hostile ones. */
final class TestArchives {
  private record Item(String name, char kind, String content, String link, int mode) {}

  private final List<Item> items = new ArrayList<>();

  static TestArchives of() {
    return new TestArchives();
  }

  TestArchives dir(String name, int mode) {
    items.add(new Item(name, 'd', "", "", mode));
    return this;
  }

  TestArchives file(String name, String content, int mode) {
    items.add(new Item(name, 'f', content, "", mode));
    return this;
  }

  TestArchives symlink(String name, String target) {
    items.add(new Item(name, 'l', "", target, 0777));
    return this;
  }

  TestArchives hardlink(String name, String target) {
    items.add(new Item(name, 'h', "", target, 0644));
    return this;
  }

  TestArchives fifo(String name) {
    items.add(new Item(name, 'p', "", "", 0644));
    return this;
  }

  byte[] tar() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    writeTar(bytes);
    return bytes.toByteArray();
  }

  byte[] tarGz() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      writeTar(gz);
    }
    return bytes.toByteArray();
  }

  private void writeTar(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    for (Item item : items) {
      TarArchiveEntry e = switch (item.kind) {
        case 'd' -> new TarArchiveEntry(item.name.endsWith("/") ? item.name : item.name + "/",
            true);
        case 'l' -> new TarArchiveEntry(item.name, TarConstants.LF_SYMLINK, true);
        case 'h' -> new TarArchiveEntry(item.name, TarConstants.LF_LINK, true);
        case 'p' -> new TarArchiveEntry(item.name, TarConstants.LF_FIFO, true);
        default -> new TarArchiveEntry(item.name, true);
      };
      e.setMode((e.getMode() & ~07777) | item.mode);
      e.setModTime(1_700_000_000_000L);
      byte[] content = item.content.getBytes(StandardCharsets.UTF_8);
      if (item.kind == 'l' || item.kind == 'h') {
        e.setLinkName(item.link);
      }
      if (item.kind == 'f') {
        e.setSize(content.length);
      }
      tar.putArchiveEntry(e);
      if (item.kind == 'f') {
        tar.write(content);
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    tar.flush();
  }

  byte[] zip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Item item : items) {
        String name = item.kind == 'd' && !item.name.endsWith("/") ? item.name + "/" : item.name;
        ZipArchiveEntry e = new ZipArchiveEntry(name);
        byte[] content = (item.kind == 'l' ? item.link : item.content)
            .getBytes(StandardCharsets.UTF_8);
        int type = switch (item.kind) {
          case 'd' -> 040000;
          case 'l' -> 0120000;
          default -> 0100000;
        };
        e.setUnixMode(type | item.mode);
        zip.putArchiveEntry(e);
        if (item.kind != 'd') {
          zip.write(content);
        }
        zip.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }
}
