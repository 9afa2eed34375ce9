package dev.stead.dsl.internal;

import dev.stead.wire.ConfinedFiles;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a {@code file} resource's {@code source} into what the catalog carries: the canonical
 * name ({@code module/path}) and the file's {@code checksum}. The bytes stay out of the
 * catalog; hashing them here is what makes the catalog's digest change when they change.
 * The file must lie inside its module's real directory: a link leading out of it (to the
 * master's CA key, say) is refused here, at the declaration. Stateless.
 */
final class SourceResolver {
  private SourceResolver() {}

  /**
   * Rewrites {@code source} and adds {@code checksum} in {@code decl}'s parameters; returns
   * the problem (without location) or null. A {@code checksum} written in code is refused:
   * only the compiler may vouch for the bytes. A directory's source naming a directory of the
   * module (with recurse) is only made canonical here: {@link SourceTrees} expands it.
   */
  static String resolve(CodeBase code, ResourceDecl decl) {
    Map<String, Object> params = decl.parameters;
    boolean archive = decl.spec.name().equals("archive");
    if (!decl.spec.name().equals("file") && !archive) {
      return null;
    }
    Object source = params.get("source");
    if (source instanceof String url && SourceFiles.isHttps(url)) {
      return HttpsSources.check(decl.key(), url, params);
    }
    if (params.containsKey("source_ca")) {
      return decl.key() + ": source_ca is only for an https:// source";
    }
    if (params.containsKey("checksum")) {
      return decl.key() + ": checksum is computed from source by the compiler; leave it out"
          + " (only an https:// source needs one written in code)";
    }
    if (source == null) {
      return null;
    }
    if (!(source instanceof String text)) {
      return "parameter 'source' of " + decl.key() + " cannot be a secret (name a module file)";
    }
    String name;
    try {
      name = SourceFiles.canonical(text);
    } catch (IllegalArgumentException e) {
      return decl.key() + ": " + e.getMessage();
    }
    String moduleName = SourceFiles.module(name);
    ModuleCode module = code.module(moduleName).orElse(null);
    if (module == null) {
      return decl.key() + ": source '" + text + "': there is no module '" + moduleName + "'";
    }
    Path file = SourceFiles.inModule(module.dir(), name);
    String relative = shown(module, name);
    String notFound = decl.key() + ": source '" + text + "' not found: no file " + relative
        + " (looked for " + file + ")";
    String outside = decl.key() + ": source '" + text + "': "
        + LinkEscapes.outsideModule(relative, moduleName);
    Path real;
    try {
      real = ConfinedFiles.resolve(module.dir(), file);
    } catch (ConfinedFiles.OutsideBound e) {
      return outside;
    } catch (IOException e) {
      return notFound;
    }
    boolean directory = "directory".equals(params.get("ensure"));
    boolean recurse = Boolean.TRUE.equals(params.get("recurse"));
    if (archive && !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)
          ? decl.key() + ": source '" + text + "' is a directory, not an archive" : notFound;
    }
    if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      if (!directory) {
        return decl.key() + ": source '" + text + "' is a directory: set ensure: 'directory'"
            + " and recurse: true to copy it";
      }
      if (!recurse) {
        return decl.key() + ": source '" + text + "' is a directory: set recurse: true to copy it";
      }
      // Expanded into one resource per entry once every declaration is known (SourceTrees).
      params.put("source", name);
      return null;
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return notFound;
    }
    if (directory) {
      return decl.key() + " has a source but ensure 'directory': source needs ensure 'file'"
          + (recurse ? ", or a directory of the module to copy" : "");
    }
    if (recurse) {
      // As Puppet: recursing a single file means nothing; the agent takes recurse on
      // directories only.
      params.remove("recurse");
      params.remove("purge");
      params.remove("recurselimit");
    }
    try {
      params.put("source", name);
      params.put("checksum", code.sourceChecksums().of(module.dir(), file));
      return null;
    } catch (ConfinedFiles.OutsideBound e) {
      return outside; // a link swapped in since the check above
    } catch (IOException e) {
      return decl.key() + ": source " + relative + " cannot be read: " + e.getMessage();
    }
  }

  /** How messages name a source's file: relative to the code, e.g. {@code app/files/a.conf}. */
  static String shown(ModuleCode module, String canonical) {
    return module.relativePrefix() + "files/" + canonical.substring(canonical.indexOf('/') + 1);
  }
}
