package dev.stead.dsl.internal;

import dev.stead.proto.v1.ModuleFact;
import dev.stead.wire.ConfinedFiles;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The custom facts a catalog carries: every file of the {@code facts.d/} of each module the
 * compile used (one of its classes or defined types), hashed as a {@code source} is and
 * marked executable when its owner may execute it. Hidden files and directories are left
 * out, as the agent's fact collector leaves them out. Stateless.
 */
final class ModuleFacts {
  private ModuleFacts() {}

  /**
   * The facts of the {@code used} modules, sorted by module then name; a file that cannot
   * be read, or leads out of its module, goes to {@code problem} with its relative name.
   */
  static List<ModuleFact> of(CodeBase code, Collection<String> used,
      BiConsumer<String, String> problem) {
    List<ModuleFact> out = new ArrayList<>();
    for (String name : used.stream().sorted().toList()) {
      ModuleCode module = code.module(name).orElse(null);
      if (module == null) {
        continue;
      }
      Path dir = module.dir().resolve(SourceFiles.FACTS_DIR);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.filter(f -> !f.getFileName().toString().startsWith(".")
            && !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
      } catch (IOException e) {
        problem.accept(module.relativePrefix() + SourceFiles.FACTS_DIR,
            "cannot list: " + e.getMessage());
        continue;
      }
      for (Path f : files) {
        String shown = module.relativePrefix() + SourceFiles.FACTS_DIR + "/" + f.getFileName();
        try {
          Path real = ConfinedFiles.resolve(module.dir(), f);
          out.add(ModuleFact.newBuilder().setModule(name)
              .setName(f.getFileName().toString())
              .setChecksum(code.sourceChecksums().of(module.dir(), f))
              .setExecutable(Files.getPosixFilePermissions(real)
                  .contains(PosixFilePermission.OWNER_EXECUTE))
              .build());
        } catch (ConfinedFiles.OutsideBound e) {
          problem.accept(shown, LinkEscapes.outsideModule(shown, name));
        } catch (IOException e) {
          problem.accept(shown, "cannot read: " + e.getMessage());
        }
      }
    }
    return out;
  }
}
