package dev.stead.dsl;

import dev.stead.dsl.internal.RuntimeWarmup;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.codehaus.groovy.reflection.ClassInfo;

/**
 * Run in a JVM of its own by {@link RuntimeWarmupTest}, since what it checks happens once per
 * JVM: readies the runtime, loads the code in {@code args[0]}, compiles it once for
 * a node, and prints, one a line, each class outside the code that got its metaclass during
 * that compile: what a first compile still built that the warm-up could have.
 */
public final class RuntimeWarmupProbe {
  private RuntimeWarmupProbe() {}

  public static void main(String[] args) throws Exception {
    RuntimeWarmup.run();
    Compiler code = Compiler.forEnvironment(Path.of(args[0]), List.of());
    Set<Class<?>> before = withMetaClass();
    code.compile("web01", Code.debian());
    for (Class<?> type : withMetaClass()) {
      if (!before.contains(type) && outsideTheCode(type)) {
        System.out.println(type.getName());
      }
    }
  }

  private static Set<Class<?>> withMetaClass() {
    Set<Class<?>> types = new LinkedHashSet<>();
    for (ClassInfo info : ClassInfo.getAllClassInfo()) {
      if (info.getStrongMetaClass() != null || info.getWeakMetaClass() != null) {
        types.add(info.getTheClass());
      }
    }
    return types;
  }

  /** The code's classes come from its own loader; the runtime's from the JVM's. */
  private static boolean outsideTheCode(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader == ClassLoader.getPlatformClassLoader()
        || loader == ClassLoader.getSystemClassLoader();
  }
}
