package dev.stead.agent.resource.firewall;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Run inside a network namespace ({@code ip netns exec NS java ... NetnsProbe HOST PORT...}):
 * listens on each port of HOST, answering {@code hello}, then connects to each with a short
 * timeout and prints one line per port: {@code PORT answered}, {@code PORT timeout} (dropped)
 * or {@code PORT refused}. A JVM cannot move a thread into another namespace, hence a process.
 */
public final class NetnsProbe {
  private NetnsProbe() {}

  public static void main(String[] args) throws Exception {
    InetAddress host = InetAddress.getByName(args[0]);
    List<ServerSocket> servers = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(host, Integer.parseInt(args[i])));
      servers.add(server);
      Thread t = new Thread(() -> answer(server));
      t.setDaemon(true);
      t.start();
    }
    for (int i = 1; i < args.length; i++) {
      System.out.println(args[i] + " " + connect(host, Integer.parseInt(args[i])));
    }
    for (ServerSocket s : servers) {
      s.close();
    }
  }

  private static void answer(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
        out.write("hello\n".getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static String connect(InetAddress host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      s.setSoTimeout(1000);
      InputStream in = s.getInputStream();
      String got = new String(in.readNBytes(6), StandardCharsets.UTF_8);
      return got.equals("hello\n") ? "answered" : "garbled";
    } catch (SocketTimeoutException e) {
      return "timeout";
    } catch (IOException e) {
      return e.getMessage().contains("refused") ? "refused" : "error " + e.getMessage();
    }
  }
}
