package dev.stead.master.web;

import dev.stead.master.ca.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Dashboard sessions as signed, stateless cookies, so they survive a master restart without
 * storing anything per session. A cookie is {@code NAME.EXPIRES.MAC}: the operator name
 * (base64url), the expiry in epoch milliseconds, and an HMAC-SHA256 over both and the
 * operator's current password entry, keyed with 32 random bytes kept in
 * {@code DATA/dashboard-session.key} (mode 0600, made on first start).
 *
 * <p>What ends a session: its expiry; a changed password or a removed operator (the entry
 * is part of the MAC); logging out (the cookie is cleared, and the master refuses that cookie
 * until it expires, also after a restart and, with a shared key, on every master: {@link
 * LoggedOutSessions}); a new key file (delete it and restart: every session ends).
 * Thread-safe.
 */
final class SessionCookies {
  static final String KEY_FILE = "dashboard-session.key";
  private static final int KEY_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final SecretKeySpec key;
  private final OperatorPasswords operators;
  private final Clock clock;
  /** Logged-out cookies (by MAC) until they expire. */
  private final LoggedOutSessions loggedOut;

  private SessionCookies(byte[] key, OperatorPasswords operators, Clock clock,
      LoggedOutSessions loggedOut) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
    this.operators = operators;
    this.clock = clock;
    this.loggedOut = loggedOut;
  }

  /**
   * Sessions signed with {@code key} ({@value #KEY_BYTES} bytes), the key masters sharing a
   * store share, whose logouts they keep in {@code loggedOut}.
   */
  static SessionCookies withKey(byte[] key, OperatorPasswords operators, Clock clock,
      LoggedOutSessions loggedOut) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("a dashboard session key has " + KEY_BYTES
          + " bytes, not " + key.length);
    }
    return new SessionCookies(key.clone(), operators, clock, loggedOut);
  }

  /** The key file in {@code dataDir} as bytes, or null when there is none or it is unreadable. */
  static byte[] existingKey(Path dataDir) {
    try {
      byte[] key = Base64.getDecoder().decode(Files.readString(dataDir.resolve(KEY_FILE),
          StandardCharsets.US_ASCII).strip());
      return key.length == KEY_BYTES ? key : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Reads the key in {@code dataDir}, making it (0600) when absent. */
  static SessionCookies loadOrCreate(Path dataDir, OperatorPasswords operators, Clock clock)
      throws IOException {
    Path file = dataDir.resolve(KEY_FILE);
    if (!Files.exists(file)) {
      byte[] fresh = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(fresh);
      Files.createDirectories(dataDir);
      PrivateFiles.writeSecret(file, Base64.getEncoder().encodeToString(fresh) + "\n");
    }
    PrivateFiles.tightenSecret(file);
    byte[] key;
    try {
      key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a dashboard session key (base64 expected); delete"
          + " it to make a new one (this ends every session)", e);
    }
    if (key.length != KEY_BYTES) {
      throw new IOException(file + " holds " + key.length + " bytes, expected " + KEY_BYTES
          + "; delete it to make a new one (this ends every session)");
    }
    return new SessionCookies(key, operators, clock,
        LoggedOutSessions.inFile(dataDir, clock));
  }

  /** A cookie value for {@code operator}, valid until {@code expiresMs}. */
  String issue(String operator, long expiresMs) {
    String entry = operators.entry(operator)
        .orElseThrow(() -> new IllegalArgumentException("no operator '" + operator + "'"));
    String name = B64.encodeToString(operator.getBytes(StandardCharsets.UTF_8));
    return name + "." + expiresMs + "." + mac(name, expiresMs, entry);
  }

  /** The operator {@code cookie} was issued to, when it is genuine, current and unexpired. */
  Optional<String> verify(String cookie) {
    String[] parts = cookie.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    long expires;
    String operator;
    try {
      expires = Long.parseLong(parts[1]);
      operator = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    long now = clock.millis();
    if (expires <= now) {
      return Optional.empty();
    }
    Optional<String> entry = operators.entry(operator);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    byte[] expected = mac(parts[0], expires, entry.get()).getBytes(StandardCharsets.US_ASCII);
    // Genuine first: only then is the list of logouts (a store read on a shared one) asked.
    return MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))
        && !loggedOut.contains(parts[2], expires) ? Optional.of(operator) : Optional.empty();
  }

  /** Refuses {@code cookie} from now on until it expires (the browser drops it too). */
  void logOut(String cookie) {
    String[] parts = cookie.split("\\.", -1);
    if (parts.length == 3 && verify(cookie).isPresent()) {
      loggedOut.add(parts[2], Long.parseLong(parts[1]));
    }
  }

  /**
   * The anti-forgery token of the dashboard's forms for one signed-in browser: an HMAC of
   * {@code binding} (the session cookie, or the admin certificate's digest) under the session
   * key, kept apart from the cookie MACs by its own label. A page from another site can
   * make the browser send the cookie but cannot read this token off the dashboard's pages.
   */
  String formToken(String binding) {
    return hmac("form-token\n" + binding);
  }

  /** Whether {@code token} is the form token of {@code binding}; compared in constant time. */
  boolean formTokenValid(String binding, String token) {
    byte[] expected = formToken(binding).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(String name, long expiresMs, String entry) {
    return hmac(name + "\n" + expiresMs + "\n" + entry);
  }

  private String hmac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(text.getBytes(StandardCharsets.UTF_8));
      return B64.encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
