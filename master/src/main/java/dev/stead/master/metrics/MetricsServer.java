package dev.stead.master.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stead.master.web.HttpTimeouts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plain HTTP {@code GET /metrics} for Prometheus. Meant for loopback (the default): the
 * figures are not secret, but nobody else needs them; put a proxy in front to expose them.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code host:port} (port 0: any free port) and serves {@code metrics}. */
  public static MetricsServer start(String host, int port, MasterMetrics metrics)
      throws IOException {
    HttpTimeouts.apply();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IOException("cannot listen for metrics on " + host + ":" + port + ": "
          + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread thread = new Thread(r, "stead-metrics");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> serve(exchange, metrics));
    server.start();
    return new MetricsServer(server, executor);
  }

  private static void serve(HttpExchange exchange, MasterMetrics metrics) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      int code = 200;
      try {
        body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "metrics scrape failed", e);
        body = ("scrape failed: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        code = 500;
      }
      exchange.getResponseHeaders().set("Content-Type", TextFormat.CONTENT_TYPE);
      exchange.sendResponseHeaders(code, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
