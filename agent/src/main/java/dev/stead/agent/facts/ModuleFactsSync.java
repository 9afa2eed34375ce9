package dev.stead.agent.facts;

import dev.stead.agent.resource.file.FileSource;
import dev.stead.proto.v1.ModuleFact;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Installs the custom facts the catalog's modules ship (Puppet's pluginsync of external
 * facts) into a directory of the agent's own: {@code DIR/<module>/<file>}, where the fact
 * collector reads them from the next run on. A file whose bytes already match is left
 * alone; a new or changed one is fetched by checksum from the master, checked, written
 * beside and renamed into place (0755 when the module marks it executable, else 0644);
 * files and modules the catalog no longer lists are removed. Trouble with one file is a
 * warning and keeps what was installed: facts never fail a run. Not thread-safe; the run
 * lock keeps runs apart.
 */
public final class ModuleFactsSync {
  /** Where the agent keeps module facts under its state directory. */
  public static final String DIR = "facts.d";
  private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern FILE = Pattern.compile("[^/\\x00]{1,255}");

  private final Path dir;
  private final FileSource source;

  /** @param dir the directory the agent owns for module facts ({@code STATE/facts.d}) */
  public ModuleFactsSync(Path dir, FileSource source) {
    this.dir = dir;
    this.source = source;
  }

  /** The module facts directory of the agent whose state is in {@code stateDir}. */
  public static Path in(Path stateDir) {
    return stateDir.resolve(DIR);
  }

  /**
   * Makes the directory hold exactly {@code facts}; returns the files it installed or
   * replaced ({@code module/name}), in order.
   */
  public List<String> sync(List<ModuleFact> facts, Consumer<String> warn) {
    Map<String, Map<String, ModuleFact>> wanted = new TreeMap<>();
    for (ModuleFact f : facts) {
      if (!MODULE.matcher(f.getModule()).matches() || !FILE.matcher(f.getName()).matches()
          || f.getName().startsWith(".") || !SourceFiles.isChecksum(f.getChecksum())) {
        warn.accept("module fact " + f.getModule() + "/" + f.getName()
            + " skipped: not a plain module and file name with a sha256 checksum");
        continue;
      }
      wanted.computeIfAbsent(f.getModule(), m -> new LinkedHashMap<>()).put(f.getName(), f);
    }
    List<String> installed = new ArrayList<>();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      warn.accept("cannot create the module facts directory " + dir + ": " + e.getMessage());
      return installed;
    }
    removeUnlisted(dir, wanted.keySet(), warn);
    for (Map.Entry<String, Map<String, ModuleFact>> module : wanted.entrySet()) {
      Path moduleDir = dir.resolve(module.getKey());
      try {
        if (Files.isSymbolicLink(moduleDir) || Files.isRegularFile(moduleDir)) {
          Files.delete(moduleDir);
        }
        Files.createDirectories(moduleDir);
      } catch (IOException e) {
        warn.accept("cannot create " + moduleDir + ": " + e.getMessage());
        continue;
      }
      removeUnlisted(moduleDir, module.getValue().keySet(), warn);
      for (ModuleFact f : module.getValue().values()) {
        try {
          if (install(moduleDir.resolve(f.getName()), f)) {
            installed.add(f.getModule() + "/" + f.getName());
          }
        } catch (IOException e) {
          warn.accept("module fact " + f.getModule() + "/" + f.getName() + " not updated: "
              + e.getMessage());
        }
      }
    }
    return installed;
  }

  /** Puts the fact's bytes at {@code target} unless they are there; true when it wrote. */
  private boolean install(Path target, ModuleFact f) throws IOException {
    String mode = f.getExecutable() ? "rwxr-xr-x" : "rw-r--r--";
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
        && SourceFiles.checksum(target).equals(f.getChecksum())) {
      if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(target,
          LinkOption.NOFOLLOW_LINKS)).equals(mode)) {
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
        return true;
      }
      return false;
    }
    try (AtomicFiles.Staged staged = AtomicFiles.stage(target, out -> source.fetch(
        f.getModule() + "/" + SourceFiles.FACTS_DIR + "/" + f.getName(), f.getChecksum(), out))) {
      String got = SourceFiles.checksum(staged.file());
      if (!got.equals(f.getChecksum())) {
        throw new IOException("received " + got + ", expected " + f.getChecksum());
      }
      staged.commit(AtomicFiles.Attributes.mode(PosixFilePermissions.fromString(mode)));
      return true;
    }
  }

  /** Deletes every entry of {@code parent} not named in {@code keep} (and leftovers). */
  private static void removeUnlisted(Path parent, Set<String> keep, Consumer<String> warn) {
    List<Path> entries;
    try (Stream<Path> list = Files.list(parent)) {
      entries = list.filter(p -> !keep.contains(p.getFileName().toString())).toList();
    } catch (IOException e) {
      warn.accept("cannot list " + parent + ": " + e.getMessage());
      return;
    }
    for (Path p : entries) {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(x);
        }
      } catch (IOException e) {
        warn.accept("cannot remove " + p + ", which no module ships any more: "
            + e.getMessage());
      }
    }
  }
}
