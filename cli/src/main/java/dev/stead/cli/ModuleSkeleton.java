package dev.stead.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files of a new module: metadata, a class that manages one file from a template and a
 * data default, and a test of both that passes as written. Stateless.
 */
final class ModuleSkeleton {
  private ModuleSkeleton() {}

  /** Each file's path relative to the module directory, to its text. */
  static Map<String, String> files(String name) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("module.yaml", """
        name: %1$s
        version: 0.1.0
        summary: Manages %1$s's configuration file
        dependencies: []
        """.formatted(name));
    files.put("manifests/init.groovy", """
        // %1$s: one configuration file from a template. The class parameter comes from the
        // data hierarchy (%1$s::setting), with the module's default in data/common.yaml.
        klass('%1$s') { String setting ->
            file('/etc/%1$s.conf') {
                content template('%1$s/%1$s.conf.erb', setting: setting)
                mode '0644'
                owner 'root'
                group 'root'
            }
        }
        """.formatted(name));
    files.put("templates/" + name + ".conf.erb", """
        # Managed by Stead for <%= node %>: local changes are reverted.
        setting = <%= setting %>
        """);
    files.put("data/common.yaml", name + "::setting: default\n");
    files.put("tests/" + name + ".yaml", """
        # Cases for `stead module test`: each compiles the module for one node (a Debian 12
        # node unless facts say otherwise) and checks the catalog. See docs/modules.md.
        - name: the file holds the module's default setting
          expect:
            resources:
              file[/etc/%1$s.conf]:
                content: {contains: "setting = default"}
                mode: "0644"
            count: 1

        - name: data overrides the default
          node: web01.example.com
          data:
            %1$s::setting: tuned
          expect:
            resources:
              file[/etc/%1$s.conf]:
                content: {contains: ["for web01.example.com", "setting = tuned"]}
        """.formatted(name));
    return files;
  }

  /**
   * Writes the module {@code name} into a new directory {@code parent/name}.
   *
   * @throws IOException when the directory exists already or cannot be written
   */
  static Path write(Path parent, String name) throws IOException {
    Path dir = parent.resolve(name);
    if (Files.exists(dir)) {
      throw new IOException(dir + " exists already; a new module needs a new directory");
    }
    Files.createDirectories(parent);
    // Written beside and renamed into place, so a failure leaves no half module behind.
    Path staging = Files.createTempDirectory(parent, "." + name + ".new");
    try {
      for (Map.Entry<String, String> f : files(name).entrySet()) {
        Path file = staging.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
      }
      Files.createDirectories(staging.resolve("files"));
      Files.move(staging, dir);
    } finally {
      if (Files.exists(staging)) {
        try (var walk = Files.walk(staging)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    return dir;
  }
}
