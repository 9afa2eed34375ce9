package dev.stead.master.web;

import dev.stead.master.ca.PrivateFiles;
import dev.stead.master.storage.SharedState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The session cookies operators logged out of, each until the cookie would have expired, so
 * that a copy taken before the logout stays refused: across a restart (kept in a file of the
 * master's DATA directory) and, for masters sharing their session key, on every master of
 * the store (kept in its shared state, read once per cookie a master has not seen logged
 * out). A cookie is named by its MAC. Thread-safe.
 */
abstract class LoggedOutSessions {
  private static final Logger LOG = Logger.getLogger(LoggedOutSessions.class.getName());
  /** The file's name in DATA. */
  static final String FILE = "dashboard-logouts";
  private static final String SHARED_PREFIX = "dashboard/logout/";

  final Clock clock;
  /** MAC to expiry (epoch ms), as this master knows them. */
  final Map<String, Long> known = new ConcurrentHashMap<>();

  private LoggedOutSessions(Clock clock) {
    this.clock = clock;
  }

  /** Kept in {@code DATA/dashboard-logouts}, read now. */
  static LoggedOutSessions inFile(Path dataDir, Clock clock) {
    return new InFile(dataDir.resolve(FILE), clock);
  }

  /** Kept in the store's shared state, for every master that shares the session key. */
  static LoggedOutSessions shared(SharedState state, Clock clock) {
    return new Shared(state, clock);
  }

  /** Whether the cookie with {@code mac}, valid until {@code expires}, was logged out of. */
  abstract boolean contains(String mac, long expires);

  /** Refuses the cookie with {@code mac} from now until {@code expires}. */
  abstract void add(String mac, long expires);

  private static final class InFile extends LoggedOutSessions {
    private final Path file;

    InFile(Path file, Clock clock) {
      super(clock);
      this.file = file;
      try {
        long now = clock.millis();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
          String[] parts = line.split(" ", 2);
          try {
            long expires = Long.parseLong(parts[0]);
            if (parts.length == 2 && expires > now) {
              known.put(parts[1], expires);
            }
          } catch (NumberFormatException e) {
            LOG.warning("ignoring a line of " + file + " that is not 'EXPIRES MAC'");
          }
        }
      } catch (NoSuchFileException e) {
        // no logout yet
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the logged-out dashboard sessions in "
            + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    boolean contains(String mac, long expires) {
      return known.containsKey(mac);
    }

    @Override
    synchronized void add(String mac, long expires) {
      long now = clock.millis();
      known.values().removeIf(until -> until <= now);
      known.put(mac, expires);
      StringBuilder text = new StringBuilder();
      known.forEach((m, until) -> text.append(until).append(' ').append(m).append('\n'));
      try {
        PrivateFiles.writeSecret(file, text.toString());
      } catch (IOException e) {
        // Refused by this process all the same; a restart would forget it.
        LOG.warning("cannot keep the logout in " + file + " (refused until this master stops):"
            + " " + e.getMessage());
      }
    }
  }

  private static final class Shared extends LoggedOutSessions {
    private final SharedState state;

    Shared(SharedState state, Clock clock) {
      super(clock);
      this.state = state;
    }

    private static String name(String mac, long expires) {
      return SHARED_PREFIX + expires + "/" + mac;
    }

    @Override
    boolean contains(String mac, long expires) {
      if (known.containsKey(mac)) {
        return true;
      }
      if (state.sharedValue(name(mac, expires)).isEmpty()) {
        return false;
      }
      known.put(mac, expires);
      return true;
    }

    @Override
    void add(String mac, long expires) {
      long now = clock.millis();
      known.values().removeIf(until -> until <= now);
      known.put(mac, expires);
      state.putSharedValue(name(mac, expires), "");
      // The expired ones go, whichever master logged them out.
      for (String name : state.sharedNames(SHARED_PREFIX)) {
        String rest = name.substring(SHARED_PREFIX.length());
        int slash = rest.indexOf('/');
        try {
          if (slash > 0 && Long.parseLong(rest.substring(0, slash)) <= now) {
            state.deleteSharedValue(name);
          }
        } catch (NumberFormatException e) {
          // not one of ours
        }
      }
    }
  }
}
