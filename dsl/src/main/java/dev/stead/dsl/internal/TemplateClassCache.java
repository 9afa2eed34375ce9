package dev.stead.dsl.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The class bytes of an environment's ERB templates, kept in a file beside its code's
 * ({@link ClassCacheFile}, same format), so that a restarted master renders its first
 * templates without loading Groovy's parser and compiler. Templates compile when first
 * rendered, in any order, so entries are not chained: each one's key is a digest of the
 * compiler's identity and of the template (relative name, script name, the script translated
 * from its text), and matches exactly the text it was compiled from. The file holds the
 * entries this load used and those of other templates it read; a template compiled anew
 * replaces its older entry. It goes when its environment's class file is pruned.
 * Thread-safe.
 */
final class TemplateClassCache {
  /** No cache: every template compiles. */
  static final TemplateClassCache NONE = new TemplateClassCache(null, "");
  /** How the templates' files end, beside their environment's {@code .classes} file. */
  static final String SUFFIX = ".templates";

  private final Path file;
  private final String identity;
  /** What the file held (read at the first lookup), by key. */
  private Map<String, ClassCacheFile.Entry> stored;
  /** What this load used or compiled, by script name: one entry per template. */
  private final Map<String, ClassCacheFile.Entry> used = new LinkedHashMap<>();

  private TemplateClassCache(Path file, String identity) {
    this.file = file;
    this.identity = identity;
  }

  /** The templates' cache beside {@code classesFile} (null: none). */
  static TemplateClassCache beside(Path classesFile) {
    String identity = classesFile == null ? "" : CompilerIdentity.value();
    if (identity.isEmpty()) {
      return NONE;
    }
    String name = classesFile.getFileName().toString();
    String base = name.endsWith(ClassCacheFile.CLASSES)
        ? name.substring(0, name.length() - ClassCacheFile.CLASSES.length()) : name;
    return new TemplateClassCache(classesFile.resolveSibling(base + SUFFIX), identity);
  }

  /** The key of the template {@code relativeName}, compiled as {@code scriptName}. */
  String key(String relativeName, String scriptName, String script) {
    return ClassCacheFile.keyOf(identity, relativeName, scriptName, script);
  }

  /** The entry kept under {@code key}, or null (always null without a file). */
  synchronized ClassCacheFile.Entry find(String key) {
    if (file == null) {
      return null;
    }
    if (stored == null) {
      stored = ClassCacheFile.read(file).entries().stream()
          .collect(Collectors.toMap(ClassCacheFile.Entry::chainKey, e -> e, (a, b) -> b,
              LinkedHashMap::new));
    }
    return stored.get(key);
  }

  /** Notes that {@code entry} served this load (it was found). */
  synchronized void used(ClassCacheFile.Entry entry) {
    used.put(entry.sourceName(), entry);
  }

  /** Keeps {@code entry}, just compiled, and rewrites the file. */
  synchronized void compiled(ClassCacheFile.Entry entry) {
    if (file == null) {
      return;
    }
    find(entry.chainKey()); // reads the file once
    used.put(entry.sourceName(), entry);
    Set<String> names = used.keySet();
    List<ClassCacheFile.Entry> kept = new ArrayList<>(used.values());
    stored.values().stream().filter(e -> !names.contains(e.sourceName())).forEach(kept::add);
    ClassCacheFile.write(file, kept);
  }
}
