package dev.stead.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher's class-data training runs, not a user command.
 *
 * <p>{@code CdsTraining apply ARGS}: runs the same {@code apply} command line twice in one
 * JVM, first compiling (empty state), then from the cached catalog, so that the archive
 * dumped when this JVM exits holds the classes of both paths. A first run used to load
 * ~2,000 classes (Groovy's parser and compiler, the DSL) outside the archive, because the
 * archive was dumped by a cached run that loads no Groovy.
 *
 * <p>{@code CdsTraining master DIR}: starts a master in DIR (a new CA, RocksDB, a port of
 * its own on loopback), runs an agent against it twice (enrolment, a compiled catalog, a
 * converge, a report; then an unchanged catalog) and exits, which stops the master as
 * SIGTERM would. A master that mapped the apply archive still read ~3,000 classes from its
 * jars as it started (gRPC's and Netty's server side, RocksDB, the CA), about a third of a
 * second before it listened.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("master")) {
      master(Path.of(args[1]));
      return;
    }
    Main.execute(args);
    Main.execute(args);
  }

  private static void master(Path dir) throws IOException, InterruptedException {
    Path data = dir.resolve("master");
    Path code = dir.resolve("code");
    Files.createDirectories(code);
    // What most code has: a module's class with parameters bound from YAML data, a
    // template, a resource declared in a loop; so that the YAML parser's and the template
    // engine's classes, read as the master loads the code, are archived too.
    Files.writeString(code.resolve("site.groovy"), """
        node('default') {
          file('/motd', content: 'training'.toUpperCase(), mode: '0644')
          include 'training'
        }
        """, StandardCharsets.UTF_8);
    Path module = code.resolve("modules/training");
    Files.createDirectories(module.resolve("manifests"));
    Files.createDirectories(module.resolve("templates"));
    Files.writeString(module.resolve("manifests/init.groovy"), """
        klass('training') { List servers, Map settings, int port ->
          (1..2).each { n ->
            file("/etc/training${n}.conf") {
              content template('training/service.conf.erb', servers: servers,
                  settings: settings, port: port + n)
            }
          }
        }
        """, StandardCharsets.UTF_8);
    Files.writeString(module.resolve("templates/service.conf.erb"), """
        # <%= facts.networking.fqdn %>
        listen <%= port %>
        <% servers.each { server -> -%>
        server <%= server %>
        <% } -%>
        <% settings.each { key, value -> -%>
        <%= key %> <%= value %>
        <% } -%>
        """, StandardCharsets.UTF_8);
    Files.createDirectories(code.resolve("data/nodes"));
    Files.writeString(code.resolve("data/common.yaml"), """
        training::servers: [0.pool.ntp.org, 1.pool.ntp.org]
        training::settings: {driftfile: /var/lib/ntp/drift, maxpoll: 10}
        training::port: 8000
        """, StandardCharsets.UTF_8);
    Files.writeString(code.resolve("data/nodes/cds.training.yaml"), """
        training::port: 9000
        """, StandardCharsets.UTF_8);
    Thread master = new Thread(() -> Main.execute("master", "start", "--data", data.toString(),
        "--code", code.toString(), "--listen", "127.0.0.1:0", "--autosign", "*"),
        "training-master");
    master.setDaemon(true);
    master.start();
    Path addressFile = data.resolve("master.address");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.isRegularFile(addressFile) || Files.size(addressFile) == 0) {
      if (!master.isAlive() || System.nanoTime() > deadline) {
        System.exit(1); // the archive is still written: what was loaded so far
      }
      Thread.sleep(20);
    }
    String address = Files.readString(addressFile, StandardCharsets.UTF_8).trim();
    String[] agent = {"agent", "run", "--once", "--server", address, "--certname",
        "cds.training", "--state", dir.resolve("agent").toString(), "--root",
        dir.resolve("root").toString(), "--trust-first-use"};
    Files.createDirectories(dir.resolve("root"));
    Main.execute(agent);
    Main.execute(agent);
    System.exit(0);
  }
}
