package dev.stead.dsl.internal;

import dev.stead.wire.SourceFiles;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a {@code source} that is an {@code https://} URL. Unlike a module file, the compiler
 * cannot read it (code has no network), so the code must vouch for the bytes with a
 * {@code checksum}: without one the agent could not tell a tampered download from the real
 * one. Stateless.
 */
final class HttpsSources {
  private HttpsSources() {}

  /**
   * Returns the problem (without location) or null; lower-cases the checksum's hex digits in
   * {@code params}, so the catalog says it one way.
   */
  static String check(String key, String url, Map<String, Object> params) {
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        return key + ": source '" + url + "' has no host name";
      }
      if (uri.getUserInfo() != null) {
        // It would go into every catalog and report; credentials belong elsewhere.
        return key + ": source '" + url + "' must not carry a user name or password";
      }
    } catch (URISyntaxException e) {
      return key + ": source '" + url + "' is not a valid URL: " + e.getMessage();
    }
    if ("directory".equals(params.get("ensure"))) {
      return key + ": an https:// source is one file: it needs ensure 'file', not 'directory'";
    }
    Object checksum = params.get("checksum");
    if (checksum == null) {
      return key + ": source '" + url + "' needs a checksum, e.g. checksum 'sha256:<64 hex"
          + " digits>' (sha256sum of the file): the download is checked against it";
    }
    if (!(checksum instanceof String text)
        || !SourceFiles.isChecksum(text.toLowerCase(Locale.ROOT))) {
      return key + ": checksum must be 'sha256:' followed by 64 hex digits, got '" + checksum
          + "'";
    }
    params.put("checksum", text.toLowerCase(Locale.ROOT));
    Object ca = params.get("source_ca");
    if (ca != null && !(ca instanceof String path && path.startsWith("/"))) {
      return key + ": source_ca must be an absolute path to a PEM file of CA certificates, got"
          + " '" + ca + "'";
    }
    return null;
  }
}
