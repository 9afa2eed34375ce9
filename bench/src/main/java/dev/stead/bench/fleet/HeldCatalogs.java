package dev.stead.bench.fleet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What simulated agents hold between runs of the simulator, as a real agent keeps its last
 * catalog on disk: after a restart it sends that digest and is answered {@code unchanged}.
 * One line per agent: node, digest, code version, resource count, then up to three resource
 * titles, separated by tabs. Written whole to a temporary file and moved into place, so an
 * interrupted write leaves the previous file.
 */
final class HeldCatalogs {
  private HeldCatalogs() {}

  /** A held catalog, as much of it as the agent's report needs. */
  record Held(String digest, String codeVersion, int resources, List<String> titles) {}

  /** The catalogs held by node; empty when {@code file} does not exist yet. */
  static Map<String, Held> read(Path file) throws IOException {
    Map<String, Held> held = new HashMap<>();
    if (!Files.exists(file)) {
      return held;
    }
    int line = 0;
    for (String row : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      line++;
      String[] f = row.split("\t", -1);
      if (f.length < 4) {
        throw new IllegalArgumentException(file + ":" + line
            + ": expected node, digest, code version and resource count separated by tabs");
      }
      try {
        held.put(f[0], new Held(f[1], f[2], Integer.parseInt(f[3]),
            List.copyOf(Arrays.asList(f).subList(4, f.length))));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + ":" + line + ": resource count '" + f[3]
            + "' is not a whole number", e);
      }
    }
    return held;
  }

  /** Writes what each agent holds; agents holding nothing are left out. */
  static void write(Path file, List<SimAgent> agents) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (SimAgent agent : agents) {
        Held h = agent.held();
        if (h.digest().isEmpty()) {
          continue;
        }
        w.write(agent.node() + "\t" + h.digest() + "\t" + h.codeVersion() + "\t"
            + h.resources());
        for (String title : h.titles()) {
          w.write("\t" + title);
        }
        w.write("\n");
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
