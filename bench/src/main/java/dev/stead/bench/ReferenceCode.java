package dev.stead.bench;

import dev.stead.proto.v1.Facts;
import dev.stead.wire.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the reference code of the compile benchmark into a directory:
 * a role of {@code R} resources made of a base class of 10 resources and {@code R/10 - 1}
 * generated classes. Every class takes 5 parameters bound from the data hierarchy (per node
 * for 64 nodes, per OS family, common), branches on facts, and declares exactly 10
 * resources: 1 directory, 6 files rendered from a template (iterating a settings map and a
 * list of NTP servers, using fqdn, ip, port, OS name and release), 1 pkg, 1 service and
 * 1 user. The same shape as the Puppet code the issue compares with.
 */
public final class ReferenceCode {
  /** Nodes with their own data file. */
  public static final int NODES = 64;

  private ReferenceCode() {}

  /** Writes the code for a master to serve: {@code DIR RESOURCES} (the fleet simulator's). */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ReferenceCode DIR RESOURCES");
      System.exit(2);
    }
    write(Path.of(args[0]), Integer.parseInt(args[1]));
  }

  /** Writes an environment of {@code resources} resources (a multiple of 10, at least 10). */
  public static Path write(Path dir, int resources) throws IOException {
    if (resources < 10 || resources % 10 != 0) {
      throw new IllegalArgumentException("resources must be a positive multiple of 10, got "
          + resources);
    }
    int classes = resources / 10;
    StringBuilder manifests = new StringBuilder();
    StringBuilder common = new StringBuilder();
    StringBuilder debian = new StringBuilder();
    StringBuilder redhat = new StringBuilder();
    for (int i = 0; i < classes; i++) {
      String shortName = i == 0 ? "base" : "gen" + i;
      String name = "ref::" + shortName;
      manifests.append(klass(name, shortName));
      common.append(name).append("::servers: [0.pool.ntp.org, 1.pool.ntp.org, 2.pool.ntp.org]\n")
          .append(name).append("::settings: {driftfile: /var/lib/ntp/drift, maxpoll: 10, minpoll: 6, tinker: panic}\n")
          .append(name).append("::port: ").append(8000 + i).append('\n')
          .append(name).append("::account: svc").append(i).append('\n')
          .append(name).append("::fileMode: '0644'\n");
      debian.append(name).append("::account: deb").append(i).append('\n');
      redhat.append(name).append("::fileMode: '0640'\n");
    }
    StringBuilder role = new StringBuilder("klass('ref') {\n  include 'ref::base'\n");
    if (classes > 1) {
      role.append("  (1..").append(classes - 1).append(").each { include \"ref::gen${it}\" }\n");
    }
    role.append("}\n");
    Path module = dir.resolve("modules/ref");
    Files.createDirectories(module.resolve("manifests"));
    Files.createDirectories(module.resolve("templates"));
    Files.createDirectories(dir.resolve("data/os"));
    Files.createDirectories(dir.resolve("data/nodes"));
    Files.writeString(module.resolve("manifests/classes.groovy"), manifests);
    Files.writeString(module.resolve("manifests/role.groovy"), role);
    Files.writeString(module.resolve("templates/service.conf.erb"), TEMPLATE);
    Files.writeString(dir.resolve("data/common.yaml"), common);
    Files.writeString(dir.resolve("data/os/Debian.yaml"), debian);
    Files.writeString(dir.resolve("data/os/RedHat.yaml"), redhat);
    for (int n = 0; n < NODES; n++) {
      StringBuilder node = new StringBuilder();
      for (int i = n % 7; i < classes; i += 7) {
        node.append(i == 0 ? "ref::base" : "ref::gen" + i).append("::port: ").append(9000 + n).append('\n');
      }
      Files.writeString(dir.resolve("data/nodes/" + nodeName(n) + ".yaml"), node);
    }
    Files.writeString(dir.resolve("site.groovy"), "node(~/^node\\d+/) { include 'ref' }\n");
    return dir;
  }

  /** The name of node {@code n}; nodes 0..63 have a data file each. */
  public static String nodeName(int n) {
    return String.format("node%02d", n);
  }

  /** Facts of a request: a Debian or RedHat machine with its own address. */
  public static Facts facts(int node, long serial) {
    boolean debian = node % 4 != 3;
    Map<String, Object> os = new LinkedHashMap<>();
    os.put("family", debian ? "Debian" : "RedHat");
    os.put("name", debian ? "Debian" : "Rocky");
    os.put("release", Map.of("full", debian ? "12.5" : "9.3", "major", debian ? "12" : "9"));
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("os", os);
    facts.put("networking", Map.of(
        "fqdn", nodeName(node) + ".example.com",
        "ip", "10." + (serial >> 16 & 255) + "." + (serial >> 8 & 255) + "." + (serial & 255),
        "hostname", nodeName(node)));
    facts.put("processors", Map.of("count", 2L + node % 3));
    facts.put("memory", Map.of("total_mb", 4096L));
    facts.put("uptime_seconds", serial);
    return Facts.newBuilder().putAllValues(Values.ofMap(facts)).build();
  }

  private static String klass(String name, String shortName) {
    return """
        klass('%1$s') { List servers, Map settings, int port, String account, String fileMode ->
          def family = facts.os.family
          def root = "/srv/%2$s"
          file(root) { ensure 'directory'; owner account; mode '0755' }
          def pkgName = family == 'Debian' ? '%2$s-deb' : '%2$s-rpm'
          pkg(pkgName) { ensure 'installed' }
          (1..6).each { n ->
            file("${root}/conf${n}.conf") {
              ensure 'file'
              owner account
              mode(facts.processors.count > 2 && n == 1 ? '0600' : fileMode)
              content template('ref/service.conf.erb', name: "%2$s-${n}", servers: servers,
                  settings: settings, port: port + n)
              requires file(root)
            }
          }
          service('%2$s') {
            ensure family == 'Debian' ? 'running' : 'stopped'
            enable true
            requires pkg(pkgName)
            subscribes file("${root}/conf1.conf")
          }
          user('%2$s') { ensure 'present'; home root; shell family == 'Debian' ? '/bin/bash' : '/bin/sh' }
        }
        """.formatted(name, shortName);
  }

  private static final String TEMPLATE = """
      # <%= name %>: managed by Stead for <%= facts.networking.fqdn %> (<%= facts.networking.ip %>)
      # <%= facts.os.name %> <%= facts.os.release.full %>
      listen <%= facts.networking.ip %>:<%= port %>
      <% servers.each { server -> -%>
      server <%= server %> iburst
      <% } -%>
      <% settings.each { key, value -> -%>
      <%= key %> <%= value %>
      <% } -%>
      """;
}
