package dev.stead.master.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Operator logins for the dashboard, in one owner-only file ({@code DATA/operators}) or, for
 * masters sharing a store, in the store ({@link #shared}): one line per operator,
 * {@code name:iterations:salt:hash}, PBKDF2-HMAC-SHA256 with a 16-byte random salt. The
 * master re-reads them on every login, so {@code stead operator add} takes effect without a
 * restart. Thread-safe (writes replace the file atomically).
 */
public final class OperatorPasswords {
  public static final String FILE = "operators";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
  private static final int ITERATIONS = 210_000;
  private static final int MIN_LENGTH = 12;
  private static final byte[] NO_SALT = "stead-no-operator".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NO_MATCH = new byte[32];
  /** The shared value holding the logins of masters that share a store. */
  public static final String SHARED = "operators";

  /** Where the lines live: a file, or a value of the shared store. */
  private interface Lines {
    String read() throws IOException;

    void write(String text) throws IOException;
  }

  private final Path dataDir;
  private final Lines lines;
  private final String where;

  public OperatorPasswords(Path dataDir) {
    this(dataDir, fileLines(dataDir.resolve(FILE)), dataDir.resolve(FILE).toString());
  }

  private OperatorPasswords(Path dataDir, Lines lines, String where) {
    this.dataDir = dataDir;
    this.lines = lines;
    this.where = where;
  }

  /**
   * The logins every master on {@code shared} uses. The first time, the logins of
   * {@code dataDir}'s file (if any) become the shared ones.
   */
  public static OperatorPasswords shared(Path dataDir,
      dev.stead.master.storage.SharedState shared) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (shared.sharedValue(SHARED).isEmpty() && Files.exists(file)) {
      shared.putSharedValueIfAbsent(SHARED, Files.readString(file, StandardCharsets.UTF_8));
    }
    return new OperatorPasswords(dataDir, new Lines() {
      @Override
      public String read() {
        return shared.sharedValue(SHARED).orElse("");
      }

      @Override
      public void write(String text) {
        shared.putSharedValue(SHARED, text);
      }
    }, "the shared store");
  }

  /** Where the logins are kept, for messages: a file, or {@code the shared store}. */
  public String where() {
    return where;
  }

  private static Lines fileLines(Path file) {
    return new Lines() {
      @Override
      public String read() throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      }

      @Override
      public void write(String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".operators-", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
    };
  }

  /**
   * Adds or replaces {@code name}'s password.
   *
   * @throws IllegalArgumentException when the name or the password is unacceptable
   */
  public synchronized void put(String name, char[] password) throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("operator name '" + name
          + "' must be lower-case letters, digits, '.', '_' or '-', starting with a letter");
    }
    if (password.length < MIN_LENGTH) {
      throw new IllegalArgumentException("the password must have at least " + MIN_LENGTH
          + " characters");
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Map<String, String> lines = read();
    lines.put(name, name + ":" + ITERATIONS + ":" + b64(salt) + ":"
        + b64(hash(password, salt, ITERATIONS)));
    write(lines);
  }

  /** The operators' names, in the order they were first added. */
  public List<String> names() throws IOException {
    return List.copyOf(read().keySet());
  }

  /**
   * Removes {@code name}: it can no longer log in, and its open sessions end (they are bound
   * to its entry).
   *
   * @return false when there was no such operator (nothing is written)
   */
  public synchronized boolean remove(String name) throws IOException {
    Map<String, String> lines = read();
    if (lines.remove(name) == null) {
      return false;
    }
    write(lines);
    return true;
  }

  private void write(Map<String, String> entries) throws IOException {
    StringBuilder text = new StringBuilder();
    entries.values().forEach(l -> text.append(l).append('\n'));
    lines.write(text.toString());
  }

  /**
   * Whether {@code password} is {@code name}'s. An unknown name costs the same hash as a
   * known one (against a fixed salt and hash that match nothing), so the time of the answer
   * does not tell which names exist.
   */
  public boolean verify(String name, char[] password) {
    String line;
    try {
      line = read().get(name);
    } catch (IOException e) {
      line = null;
    }
    String[] parts = line == null ? new String[0] : line.split(":");
    if (parts.length == 4) {
      try {
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = hash(password, Base64.getDecoder().decode(parts[2]),
            Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
      } catch (IllegalArgumentException e) {
        // A damaged entry: answer like an unknown name.
      }
    }
    MessageDigest.isEqual(NO_MATCH, hash(password, NO_SALT, ITERATIONS));
    return false;
  }

  /**
   * {@code name}'s stored entry (salt and hash), which signed sessions are bound to: a new
   * password or a removed operator ends that operator's sessions. Empty for unknown names or
   * an unreadable file.
   */
  Optional<String> entry(String name) {
    try {
      return Optional.ofNullable(read().get(name));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The master's data directory (where the dashboard session key file is). */
  Path directory() {
    return dataDir;
  }

  private Map<String, String> read() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines.read().split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon), line);
      }
    }
    return out;
  }

  private static byte[] hash(char[] password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
            .getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
