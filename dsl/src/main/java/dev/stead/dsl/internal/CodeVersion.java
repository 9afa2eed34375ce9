package dev.stead.dsl.internal;

import dev.stead.wire.ConfinedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The version stamped on catalogs: the git commit of a checked-out environment (read from
 * {@code .git} directly, no process), else {@code sha256:} over the sorted relative names
 * and contents of the files the compiler can read. Stateless.
 */
final class CodeVersion {
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

  /**
   * One file: the name it is hashed under, where it is, and the directory it must be read
   * from inside (null for a file the operator named).
   */
  record Input(String name, Path file, Path bound) {}

  private CodeVersion() {}

  static String hash(List<Input> inputs) {
    List<Input> sorted = new ArrayList<>(inputs);
    sorted.sort(Comparator.comparing(Input::name));
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Input input : sorted) {
        byte[] content;
        if (input.bound() == null) {
          content = Files.readAllBytes(input.file());
        } else {
          try (java.io.InputStream in = ConfinedFiles.newInputStream(input.bound(),
              input.file())) {
            content = in.readAllBytes();
          }
        }
        digest.update(input.name().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Long.toString(content.length).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(content);
      }
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The commit HEAD points at, or null when {@code dir} is not a readable git checkout. */
  static String gitCommit(Path dir) {
    try {
      Path git = dir.resolve(".git");
      if (Files.isRegularFile(git)) {
        String line = Files.readString(git).trim();
        if (!line.startsWith("gitdir:")) {
          return null;
        }
        git = dir.resolve(line.substring("gitdir:".length()).trim()).normalize();
      }
      if (!Files.isDirectory(git) || !Files.isRegularFile(git.resolve("HEAD"))) {
        return null;
      }
      Path common = git;
      if (Files.isRegularFile(git.resolve("commondir"))) {
        common = git.resolve(Files.readString(git.resolve("commondir")).trim()).normalize();
      }
      String head = Files.readString(git.resolve("HEAD")).trim();
      if (SHA.matcher(head).matches()) {
        return head;
      }
      if (!head.startsWith("ref:")) {
        return null;
      }
      String ref = head.substring("ref:".length()).trim();
      for (Path base : List.of(git, common)) {
        Path loose = base.resolve(ref);
        if (Files.isRegularFile(loose)) {
          String sha = Files.readString(loose).trim();
          return SHA.matcher(sha).matches() ? sha : null;
        }
      }
      Path packed = common.resolve("packed-refs");
      if (Files.isRegularFile(packed)) {
        for (String line : Files.readAllLines(packed)) {
          String[] parts = line.trim().split(" ");
          if (parts.length == 2 && parts[1].equals(ref) && SHA.matcher(parts[0]).matches()) {
            return parts[0];
          }
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
