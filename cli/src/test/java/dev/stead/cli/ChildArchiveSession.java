package dev.stead.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Once per test JVM, before any test: dumps a class-data archive of what a master and an
 * agent load (the launcher's master training run) for the hundreds of {@code stead} child
 * processes the end-to-end tests start, each ~0.5 s sooner. CDS refuses a class path with a
 * non-empty directory, so the children get one where the module's class directories are
 * jars. Anything that fails here leaves the children as they were: mapping no archive.
 */
public final class ChildArchiveSession implements LauncherSessionListener {
  private static Path dir;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (System.getProperty(StepProcess.CHILD_ARCHIVE) != null) {
      return;
    }
    try {
      dir = Files.createTempDirectory("stead-test-children");
      List<String> entries = new ArrayList<>();
      int n = 0;
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path p = Path.of(entry);
        entries.add(Files.isDirectory(p) ? jar(p, dir.resolve("classes-" + n++ + ".jar"))
            .toString() : entry);
      }
      String classPath = String.join(File.pathSeparator, entries);
      Path archive = dir.resolve("children.jsa");
      Process training = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
          "-cp", classPath, CdsTraining.class.getName(), "master",
          dir.resolve("training").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("training.log").toFile())
          .start();
      if (!training.waitFor(120, TimeUnit.SECONDS)) {
        training.destroyForcibly();
        return;
      }
      if (Files.isRegularFile(archive)) {
        System.setProperty(StepProcess.CHILD_CLASS_PATH, classPath);
        System.setProperty(StepProcess.CHILD_ARCHIVE, archive.toString());
      }
    } catch (IOException e) {
      System.err.println("children start without a class-data archive: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }

  private static Path jar(Path classes, Path jar) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(p -> !p.equals(classes)).sorted().toList();
    }
    // Directories get entries too: resource scanners (Flyway's migrations) look them up.
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out)) {
      for (Path f : files) {
        String name = classes.relativize(f).toString().replace('\\', '/');
        boolean directory = Files.isDirectory(f);
        zip.putNextEntry(new JarEntry(directory ? name + "/" : name));
        if (!directory) {
          Files.copy(f, zip);
        }
        zip.closeEntry();
      }
    }
    return jar;
  }
}
