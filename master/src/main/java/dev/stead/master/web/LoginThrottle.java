package dev.stead.master.web;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing at the dashboard login, per operator name and per source address.
 * After {@link #FREE_FAILURES_PER_NAME} failed logins for a name, or
 * {@link #FREE_FAILURES_PER_ADDRESS} from an address (several operators may share one), the
 * name or address is locked for {@link #FIRST_LOCK}, and each further failure locks it twice
 * as long as the one before, up to {@link #LONGEST_LOCK}. While locked, logins are refused without
 * looking at the password, so a guess made then tests nothing. Failures are forgotten
 * {@link #LONGEST_LOCK} after the last one; a successful login forgets its name's.
 *
 * <p>State is in memory (a restart forgets it) and bounded: the least recently used entries
 * go first. Thread-safe.
 */
final class LoginThrottle {
  static final int FREE_FAILURES_PER_NAME = 5;
  static final int FREE_FAILURES_PER_ADDRESS = 20;
  static final Duration FIRST_LOCK = Duration.ofSeconds(1);
  static final Duration LONGEST_LOCK = Duration.ofMinutes(15);
  private static final int MAX_ENTRIES = 10_000;
  /** Names longer than any operator's cannot get an entry of their own. */
  private static final int MAX_NAME_LENGTH = 64;

  private final Clock clock;
  private final Map<String, Failures> byKey = new LinkedHashMap<>(256, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** How long a login for {@code name} from {@code address} must wait; empty when it may try. */
  synchronized Optional<Duration> wait(String name, String address) {
    long now = clock.millis();
    long until = Math.max(lockedUntil(nameKey(name), now), lockedUntil(addressKey(address), now));
    return until > now ? Optional.of(Duration.ofMillis(until - now)) : Optional.empty();
  }

  /** Records a failed login; the lock it causes, if any. */
  synchronized Optional<Duration> failed(String name, String address) {
    long now = clock.millis();
    long until = Math.max(record(nameKey(name), FREE_FAILURES_PER_NAME, now),
        record(addressKey(address), FREE_FAILURES_PER_ADDRESS, now));
    return until > now ? Optional.of(Duration.ofMillis(until - now)) : Optional.empty();
  }

  synchronized void succeeded(String name) {
    byKey.remove(nameKey(name));
  }

  private long lockedUntil(String key, long now) {
    Failures f = byKey.get(key);
    if (f == null) {
      return 0;
    }
    if (now - f.lastMs > LONGEST_LOCK.toMillis() && f.lockedUntilMs <= now) {
      byKey.remove(key);
      return 0;
    }
    return f.lockedUntilMs;
  }

  private long record(String key, int free, long now) {
    Failures f = byKey.get(key);
    if (f == null || (now - f.lastMs > LONGEST_LOCK.toMillis() && f.lockedUntilMs <= now)) {
      f = new Failures();
      byKey.put(key, f);
    }
    f.count++;
    f.lastMs = now;
    if (f.count >= free) {
      int doublings = Math.min(f.count - free, 30);
      long lock = Math.min(FIRST_LOCK.toMillis() << doublings, LONGEST_LOCK.toMillis());
      f.lockedUntilMs = now + lock;
    }
    return f.lockedUntilMs;
  }

  private static String nameKey(String name) {
    return "name:" + (name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH)
        : name);
  }

  private static String addressKey(String address) {
    return "address:" + address;
  }

  private static final class Failures {
    int count;
    long lastMs;
    long lockedUntilMs;
  }
}
