package dev.stead.bench.fleet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

  /**
   * Writes what each agent of this run holds (one holding nothing is left out), and what
   * {@code earlier} held for nodes this run did not simulate: a run with fewer agents than the
   * file knows must not make the rest of the fleet forget its catalogs.
   */
  static void write(Path file, Map<String, Held> earlier, List<SimAgent> agents)
      throws IOException {
    Map<String, Held> all = new LinkedHashMap<>(earlier);
    for (SimAgent agent : agents) {
      if (agent.held().digest().isEmpty()) {
        all.remove(agent.node());
      } else {
        all.put(agent.node(), agent.held());
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, Held> entry : all.entrySet()) {
        Held h = entry.getValue();
        w.write(entry.getKey() + "\t" + h.digest() + "\t" + h.codeVersion() + "\t"
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
