package dev.stead.master.web;

import com.sun.net.httpserver.Headers;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a form POST may change anything: it must come from a page the dashboard
 * served to this very browser. Two independent checks, both required:
 * <ul>
 *   <li>the form's {@code csrf} field is the caller's token ({@link SessionCookies#formToken}),
 *       compared in constant time: another site can make a browser send the session cookie
 *       (were it not {@code SameSite=Strict}), but cannot read the token;
 *   <li>when the browser says where the request comes from ({@code Origin}, else
 *       {@code Referer}), that is the dashboard itself ({@code https://} and the
 *       {@code Host} the request was sent to). A request without either header passes this
 *       check: non-browser clients send neither, and the token still stands.
 * </ul>
 * Stateless and thread-safe.
 */
final class FormGuard {
  static final String FIELD = "csrf";

  private final SessionCookies sessions;

  FormGuard(SessionCookies sessions) {
    this.sessions = sessions;
  }

  /** The token to put in the forms served to the caller bound to {@code binding}. */
  String token(String binding) {
    return sessions.formToken(binding);
  }

  /** A hidden form field carrying the token. */
  String field(String binding) {
    return "<input type=\"hidden\" name=\"" + FIELD + "\" value=\"" + Html.esc(token(binding))
        + "\">";
  }

  /**
   * Why the POST must be refused, in words for the log; empty when it may proceed.
   *
   * @param binding what the caller's token is tied to
   * @param token the {@code csrf} field as sent; empty when absent
   */
  Optional<String> refusal(Headers headers, String binding, String token) {
    Optional<String> origin = sameOrigin(headers);
    if (origin.isPresent()) {
      return origin;
    }
    if (token.isEmpty()) {
      return Optional.of("no form token");
    }
    if (!sessions.formTokenValid(binding, token)) {
      return Optional.of("a wrong form token");
    }
    return Optional.empty();
  }

  private static Optional<String> sameOrigin(Headers headers) {
    String host = headers.getFirst("Host");
    String origin = headers.getFirst("Origin");
    String claimed;
    String what;
    if (origin != null) {
      claimed = origin.strip();
      what = "Origin";
    } else if (headers.getFirst("Referer") != null) {
      claimed = headers.getFirst("Referer").strip();
      what = "Referer";
    } else {
      return Optional.empty();
    }
    if (host == null || host.isBlank()) {
      return Optional.of("an " + what + " header but no Host to compare it with");
    }
    String from;
    try {
      URI uri = new URI(claimed);
      if (uri.getScheme() == null || uri.getRawAuthority() == null) {
        return Optional.of(what + " '" + claimed + "' names no site");
      }
      from = uri.getScheme().toLowerCase(Locale.ROOT) + "://"
          + uri.getRawAuthority().toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return Optional.of(what + " '" + claimed + "' is not a URL");
    }
    String self = "https://" + host.strip().toLowerCase(Locale.ROOT);
    return from.equals(self) ? Optional.empty()
        : Optional.of("a request from another site (" + what + " " + from + ")");
  }
}
