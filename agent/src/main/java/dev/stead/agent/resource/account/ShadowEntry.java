package dev.stead.agent.resource.account;

import dev.stead.agent.resource.ApplyContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The fields of one /etc/shadow line the user type manages: the password hash and the
 * account expiry, which shadow stores as days since 1970-01-01 (empty: never).
 */
record ShadowEntry(String hash, String expiry) {

  static Optional<ShadowEntry> read(ApplyContext context, String user) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(context.paths().resolve("/etc/shadow"), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    for (String line : lines) {
      String[] f = line.split(":", -1);
      if (f.length >= 8 && f[0].equals(user)) {
        return Optional.of(new ShadowEntry(f[1], expiry(f[7])));
      }
    }
    return Optional.empty();
  }

  private static String expiry(String days) {
    if (days.isBlank()) {
      return "absent";
    }
    try {
      long n = Long.parseLong(days.strip());
      return n < 0 ? "absent" : LocalDate.ofEpochDay(n).toString();
    } catch (NumberFormatException e) {
      return days;
    }
  }
}
