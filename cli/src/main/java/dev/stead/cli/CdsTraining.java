package dev.stead.cli;

/**
 * The launcher's class-data training run, not a user command: runs the same {@code apply}
 * command line twice in one JVM, first compiling (empty state), then from the cached
 * catalog, so that the archive dumped when this JVM exits holds the classes of both paths.
 * A first run used to load ~2,000 classes (Groovy's parser and compiler, the DSL) outside
 * the archive, because the archive was dumped by a cached run that loads no Groovy.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) {
    Main.execute(args);
    Main.execute(args);
  }
}
