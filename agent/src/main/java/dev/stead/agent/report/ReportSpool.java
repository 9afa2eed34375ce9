package dev.stead.agent.report;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stead.proto.v1.Report;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.CallFailures;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reports the master has not acknowledged yet, one file each: {@code DIR/<id>.pb}. Delivered
 * oldest first at the start of the next run, each deleted only after the master acknowledged
 * it (the master stores by id, so a repeat after a lost acknowledgement is harmless). A report
 * the master refuses for good (or an unreadable file) moves to {@code DIR/rejected/} rather
 * than blocking the queue. One agent run at a time.
 */
public final class ReportSpool {
  /** Sends one report; throws the gRPC failure when it was not acknowledged. */
  @FunctionalInterface
  public interface Sender {
    void send(Report report);
  }

  private final Path dir;

  public ReportSpool(Path dir) {
    this.dir = dir;
  }

  public Path directory() {
    return dir;
  }

  /** Keeps {@code report} for a later delivery; returns its file. */
  public Path spool(Report report) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(safeName(report.getId()) + ".pb");
    AtomicFiles.writePrivate(file, report.toByteArray());
    return file;
  }

  /** Files waiting, oldest first. */
  public List<Path> pending() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> out = new ArrayList<>(files.filter(p -> p.toString().endsWith(".pb")).toList());
      out.sort(Comparator.comparing((Path p) -> {
        try {
          return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
          return 0L;
        }
      }).thenComparing(Path::toString));
      return out;
    }
  }

  /**
   * Delivers every waiting report; stops at the first transient failure (the master is away:
   * the rest waits for the next run, nothing is lost).
   *
   * @return how many were delivered
   */
  public int deliver(Sender sender) throws IOException {
    int delivered = 0;
    for (Path file : pending()) {
      Report report;
      try {
        report = Report.parseFrom(Files.readAllBytes(file));
      } catch (InvalidProtocolBufferException e) {
        reject(file);
        continue;
      }
      try {
        sender.send(report);
      } catch (StatusRuntimeException e) {
        if (CallFailures.isTransient(e)) {
          return delivered;
        }
        reject(file);
        continue;
      }
      Files.deleteIfExists(file);
      delivered++;
    }
    return delivered;
  }

  private void reject(Path file) throws IOException {
    Path rejected = Files.createDirectories(dir.resolve("rejected"));
    Files.move(file, rejected.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String safeName(String id) {
    String s = id.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() ? "report" : s;
  }
}
