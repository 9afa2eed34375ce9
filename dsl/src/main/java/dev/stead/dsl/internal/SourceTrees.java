package dev.stead.dsl.internal;

import dev.stead.wire.ConfinedFiles;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Expands a recursing directory whose {@code source} names a directory of a module into one
 * {@code file} resource per entry, so neither the agent nor the master learns about trees: a
 * file child is an ordinary sourced file (with its checksum), a subdirectory an ordinary
 * directory. Children inherit the parent's owner, group, mode (a subdirectory's with the
 * search bit wherever the read bit is set, as the agent's recurse does), noop, containers,
 * location and relationships; files also its replace, show_diff and validate_cmd; with purge,
 * subdirectories purge too. A recurselimit stops the copy that many levels down. Stateless.
 */
final class SourceTrees {
  /** The tree cannot be copied; the message names the path, without location. */
  static final class TreeProblem extends Exception {
    private static final long serialVersionUID = 1L;

    TreeProblem(String message) {
      super(message);
    }
  }

  private SourceTrees() {}

  /** Whether {@code decl} is a directory to fill from its source (checked by SourceResolver). */
  static boolean isTree(ResourceDecl decl) {
    return decl.spec.name().equals("file") && "directory".equals(decl.parameters.get("ensure"))
        && decl.parameters.get("source") instanceof String;
  }

  /**
   * The children of {@code parent} (whose source is canonical), in path order, leaving out
   * paths in {@code declared}: a resource the code declares itself stays as written, and
   * what is beneath it is left to it unless it is a plain directory.
   */
  static List<ResourceDecl> expand(CodeBase code, ResourceDecl parent,
      Map<String, ResourceDecl> declared) throws TreeProblem {
    String source = (String) parent.parameters.get("source");
    ModuleCode module = code.module(SourceFiles.module(source)).orElseThrow();
    String shown = SourceResolver.shown(module, source);
    Path root;
    try {
      // Walked at its real path: a link swapped in for the checked directory is not followed.
      root = ConfinedFiles.resolve(module.dir(), SourceFiles.inModule(module.dir(), source));
    } catch (ConfinedFiles.OutsideBound e) {
      throw new TreeProblem("source '" + source + "': "
          + LinkEscapes.outsideModule(shown, module.name()));
    } catch (IOException e) {
      throw new TreeProblem("source directory " + shown + " cannot be read: " + e.getMessage());
    }
    String dest = parent.title.endsWith("/") ? parent.title : parent.title + "/";
    List<ResourceDecl> out = new ArrayList<>();
    walk(parent, root, "", 1, shown, dest, source + "/", declared, out);
    return out;
  }

  /** The parent's {@code recurselimit}, or 0 for none (the agent checks the value). */
  private static long limit(ResourceDecl parent) {
    return parent.parameters.get("recurselimit") instanceof Number n ? n.longValue() : 0;
  }

  /** Walks {@code dir}, whose entries lie {@code depth} levels beneath the parent. */
  private static void walk(ResourceDecl parent, Path dir, String rel, int depth, String shown,
      String dest, String sourcePrefix, Map<String, ResourceDecl> declared,
      List<ResourceDecl> out) throws TreeProblem {
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    } catch (IOException e) {
      throw new TreeProblem("source directory " + shown + "/" + rel + " cannot be read: "
          + e.getMessage());
    }
    for (Path entry : entries) {
      String childRel = rel + entry.getFileName();
      boolean directory = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
      if (Files.isSymbolicLink(entry)) {
        // A link could point outside the module; copying what it names would be a guess.
        throw new TreeProblem("source tree " + shown + " holds a symbolic link, "
            + shown + "/" + childRel + ": replace it with the file or directory it names");
      }
      if (!directory && !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
        throw new TreeProblem("source tree " + shown + " holds " + shown + "/" + childRel
            + ", which is neither a regular file nor a directory");
      }
      String path = dest + childRel;
      ResourceDecl explicit = declared.get("file[" + path + "]");
      if (explicit == null) {
        out.add(child(parent, path, directory ? null : sourcePrefix + childRel, depth));
      }
      boolean deeper = limit(parent) == 0 || depth < limit(parent);
      if (directory && deeper && (explicit == null || isPlainDirectory(explicit))) {
        walk(parent, entry, childRel + "/", depth + 1, shown, dest, sourcePrefix, declared,
            out);
      }
    }
  }

  private static boolean isPlainDirectory(ResourceDecl decl) {
    return "directory".equals(decl.parameters.get("ensure")) && !isTree(decl);
  }

  private static ResourceDecl child(ResourceDecl parent, String path, String source,
      int depth) {
    ResourceDecl child = new ResourceDecl(parent.spec, path, parent.location, parent.containers);
    child.owner = parent.owner;
    child.tags.addAll(parent.tags);
    Map<String, Object> params = child.parameters;
    if (source == null) {
      params.put("ensure", "directory");
      long limit = limit(parent);
      if (Boolean.TRUE.equals(parent.parameters.get("purge")) && (limit == 0 || depth < limit)) {
        // The agent leaves what is beneath a managed path to that path's resource: without
        // its own purge a subdirectory would keep its strays.
        params.put("recurse", true);
        params.put("purge", true);
        Object force = parent.parameters.get("force");
        if (force != null) {
          params.put("force", force);
        }
        if (limit != 0) {
          // What the parent's limit leaves for the levels beneath this one.
          params.put("recurselimit", limit - depth);
        }
      }
    } else {
      params.put("source", source);
      for (String inherited : List.of("replace", "show_diff", "validate_cmd")) {
        Object value = parent.parameters.get(inherited);
        if (value != null) {
          params.put(inherited, value);
        }
      }
    }
    for (String inherited : List.of("owner", "group")) {
      Object value = parent.parameters.get(inherited);
      if (value != null) {
        params.put(inherited, value);
      }
    }
    Object mode = parent.parameters.get("mode");
    if (mode instanceof String m) {
      params.put("mode", source == null ? searchable(m) : m);
    }
    child.noop = parent.noop;
    for (ResourceDecl.Relation r : parent.relations) {
      if (!r.target().equals(child.key())) {
        child.relations.add(r);
      }
    }
    return child;
  }

  /**
   * A directory's mode for {@code mode} (validated octal): each class that may read may also
   * search, or a readable tree could not be entered. The agent's {@code Modes.forDirectory}.
   */
  static String searchable(String mode) {
    int bits = Integer.parseInt(mode, 8);
    String octal = Integer.toOctalString(bits | (bits & 0444) >> 2);
    return "0000".substring(Math.min(4, octal.length())) + octal;
  }
}
