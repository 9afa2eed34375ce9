package dev.stead.master.web;

/**
 * Deadlines for the JDK's HTTP server, which the dashboard and the metrics endpoint use. That
 * server reads a request on a worker thread, TLS handshake included, and has no read timeout
 * of its own: a client that connects and then sends nothing, or a byte now and then, holds a
 * worker for as long as it likes. Its only deadlines are two JVM-wide properties, read once
 * when the first server is made: {@code sun.net.httpserver.maxReqTime} (seconds from the
 * connection, or from the end of the previous request, to the end of the request headers)
 * and {@code sun.net.httpserver.maxRspTime} (seconds from there to the end of the response,
 * reading the body included). Past either, the server closes the connection, which frees the
 * worker. A value given on the command line ({@code -D}) is kept.
 */
public final class HttpTimeouts {
  /** Handshake and headers: a browser needs well under a second. */
  public static final int REQUEST_SECONDS = 10;
  /** Body, page rendering and sending it: the largest pages take a few seconds. */
  public static final int RESPONSE_SECONDS = 60;

  private HttpTimeouts() {}

  /** Call before making any {@code com.sun.net.httpserver} server. */
  public static synchronized void apply() {
    setIfAbsent("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
    setIfAbsent("sun.net.httpserver.maxRspTime", RESPONSE_SECONDS);
  }

  private static void setIfAbsent(String property, int seconds) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(seconds));
    }
  }
}
