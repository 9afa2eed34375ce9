package dev.stead.dsl;

import dev.stead.proto.v1.Facts;
import dev.stead.wire.Values;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes test code into a directory and compiles it. */
final class Code {
  private final Path dir;

  Code(Path dir) {
    this.dir = dir;
  }

  Code file(String relative, String text) {
    try {
      Path p = dir.resolve(relative);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  Compiler environment() throws CompileException {
    return Compiler.forEnvironment(dir, List.of());
  }

  Compiler manifest(String name) throws CompileException {
    return Compiler.forManifest(dir.resolve(name), List.of());
  }

  static Facts facts(Map<String, ?> values) {
    return Facts.newBuilder().putAllValues(Values.ofMap(values)).build();
  }

  static Facts debian() {
    return facts(Map.of("os", Map.of("family", "Debian", "name", "Debian",
            "release", Map.of("full", "12.5")),
        "processors", Map.of("count", 2), "networking", Map.of("fqdn", "web01.example.com")));
  }

  /** Runs {@code action}, which must fail to compile, and returns its errors as file:line: message. */
  static List<String> errorsOf(CompileAction action) {
    try {
      action.run();
    } catch (CompileException e) {
      return e.errors().stream().map(x -> x.getLocation().getFile() + ":"
          + x.getLocation().getLine() + ": " + x.getMessage()).toList();
    }
    throw new AssertionError("expected a compile error");
  }

  interface CompileAction {
    void run() throws CompileException;
  }
}
