package dev.stead.agent.facts;

import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code timezone} fact: the default zone's short display name in the root locale, now
 * ({@code UTC}, {@code CET} or {@code CEST}, …). Asking the JDK for a display name boots its
 * CLDR locale data, ~55 ms of a cold agent's start, so the answer is remembered: in this
 * process, and optionally in a memo file, under everything it depends on (zone id, whether
 * daylight time is in effect, the JDK build and its locale providers). Thread-safe.
 */
public final class TimeZoneFact {
  private static final Map<String, String> MEMO = new ConcurrentHashMap<>();

  private TimeZoneFact() {}

  /** The fact's value; {@code memoFile} (null for none) keeps it across processes. */
  public static String value(Path memoFile) {
    TimeZone zone = TimeZone.getDefault();
    boolean daylight = zone.inDaylightTime(new Date());
    String key = String.join("\u0000", "1", zone.getID(), Boolean.toString(daylight),
        System.getProperty("java.vm.version", ""), System.getProperty("java.home", ""),
        System.getProperty("java.locale.providers", ""));
    String known = MEMO.get(key);
    if (known != null) {
      return known;
    }
    if (memoFile != null) {
      try {
        String[] stored = Files.readString(memoFile, StandardCharsets.UTF_8).split("\n", 2);
        if (stored.length == 2 && stored[0].equals(key)) {
          MEMO.put(key, stored[1]);
          return stored[1];
        }
      } catch (IOException | RuntimeException e) {
        // no memo yet, or an unreadable one: ask the JDK and write it again
      }
    }
    String name = zone.getDisplayName(daylight, TimeZone.SHORT, Locale.ROOT);
    MEMO.put(key, name);
    if (memoFile != null && key.indexOf('\n') < 0) {
      try {
        Files.createDirectories(memoFile.getParent());
        AtomicFiles.writePrivate(memoFile, (key + "\n" + name).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // a memo that cannot be kept only costs the next run the lookup
      }
    }
    return name;
  }
}
