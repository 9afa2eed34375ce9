package dev.stead.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code stead} sub-command run as a real child process of the same installation (same
 * JVM binary, same class path), so the demo and the end-to-end tests exercise real processes.
 */
final class StepProcess {
  private final Process process;
  private final Thread pump;

  private StepProcess(Process process, Thread pump) {
    this.process = process;
    this.pump = pump;
  }

  /** A class-data archive children map, when it exists. */
  static final String CHILD_ARCHIVE = "stead.child.cds";
  /** The class path children get instead of this JVM's (the archive's, when it differs). */
  static final String CHILD_CLASS_PATH = "stead.child.classpath";

  static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    if (!(args.length > 0 && args[0].equals("master"))) {
      // Short-lived commands start faster without the C2 compiler.
      command.add("-XX:TieredStopAtLevel=1");
    }
    // The launcher (and the tests) name a class-data archive the children may map, and the
    // class path it was dumped with: a child maps it and starts ~0.5 s sooner.
    String archive = System.getProperty(CHILD_ARCHIVE);
    String classPath = System.getProperty(CHILD_CLASS_PATH, System.getProperty("java.class.path"));
    if (archive != null && Files.isRegularFile(Path.of(archive))) {
      command.addAll(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive,
          "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    }
    command.add("-Dstead.home=" + Defaults.home());
    command.add("-cp");
    command.add(classPath);
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Starts a long-running child whose output goes to {@code log}. */
  static StepProcess startLogged(Path log, String... args) throws IOException {
    Process process = new ProcessBuilder(command(args))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new StepProcess(process, null);
  }

  /** Starts a child whose output is copied to {@code out}, each line prefixed. */
  static StepProcess startEchoed(PrintStream out, String prefix, String... args)
      throws IOException {
    Process process = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    process.getOutputStream().close();
    Thread pump = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          out.println(prefix + line);
        }
      } catch (IOException e) {
        out.println(prefix + "(output lost: " + e.getMessage() + ")");
      }
    }, "stead-echo");
    pump.setDaemon(true);
    pump.start();
    return new StepProcess(process, pump);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the child and for its output to be copied; returns its exit code. */
  int await(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("a child process did not finish within " + seconds + " s");
    }
    if (pump != null) {
      pump.join(TimeUnit.SECONDS.toMillis(5));
    }
    return process.exitValue();
  }

  /** SIGTERM, then SIGKILL after a grace period; returns the exit code. */
  int stop(long graceSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }
}
