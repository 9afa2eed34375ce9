package dev.stead.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Installs the built stead-agent and stead-master packages on this machine with apt-get, runs
 * what each systemd unit would run, checks the units, and purges the packages again: the
 * machine must be as before, but for /var/lib/stead (it holds the CA key, which purge keeps).
 *
 * <p>It changes the machine (packages, the {@code stead} user), so it needs root and dpkg;
 * without them it is skipped, except under CI (env {@code CI} set), where it fails.
 */
class DebianPackageIT {
  private static final Path PACKAGES = Path.of(System.getProperty("stead.packages", "target"));
  private static final Path UNITS = Path.of("/usr/lib/systemd/system");
  private static final List<String> UNIT_NAMES = List.of("stead-master.service",
      "stead-agent.service", "stead-agent-run.service", "stead-agent-run.timer");
  private static final Path CDS_ARCHIVE = Path.of("/var/cache/stead/stead.jsa");
  private static final Path MASTER_CDS_ARCHIVE = Path.of("/var/cache/stead/stead-master.jsa");
  private static final String SITE = """
      node('pkg.test') {
          file('/etc/greeting') { content 'installed from the package\\n'; mode '0644' }
      }
      """;

  @Test
  void installRunVerifyPurge() throws Exception {
    requireRootAndDpkg();
    List<Path> debs = debs();
    purge(); // a leftover of an interrupted earlier run would hide what this one leaves
    Set<String> before = filesystem();

    Path work = Files.createTempDirectory("stead-package-test");
    try {
      // The agent alone first: no Groovy, no RocksDB, and still a working `stead`.
      run(Duration.ofMinutes(2), aptGet("install", "-y", debs.get(0).toAbsolutePath().toString()))
          .expectExit(0);
      assertThat(Path.of("/usr/share/stead/lib")).isDirectoryNotContaining("glob:**/groovy*")
          .isDirectoryNotContaining("glob:**/rocksdb*")
          .isDirectoryNotContaining("glob:**/postgresql*")
          .isDirectoryNotContaining("glob:**/HikariCP*")
          .isDirectoryNotContaining("glob:**/flyway*")
          .isDirectoryNotContaining("glob:**/netty-tcnative*")
          .isDirectoryNotContaining("glob:**/netty-transport-native-epoll*");
      assertThat(run(Duration.ofSeconds(30), "/usr/bin/stead", "--version").expectExit(0).output)
          .startsWith("stead ");
      assertThat(run(Duration.ofSeconds(30), "/usr/bin/stead", "config", "print", "agent")
          .expectExit(0).output).contains("server = localhost:8140  # default");

      run(Duration.ofMinutes(2), aptGet("install", "-y", debs.get(1).toAbsolutePath().toString()))
          .expectExit(0);
      assertThat(run(Duration.ofSeconds(30), "/usr/bin/stead", "--help").expectExit(0).output)
          .contains("master");
      assertThat(MASTER_CDS_ARCHIVE).as("trained by the master's postinst").isRegularFile();
      // -Xshare:on makes the JVM fail where it cannot map the archive it is given.
      run(Duration.ofSeconds(30), "env", "STEAD_JAVA_OPTS=-Xshare:on", "/usr/bin/stead",
          "master", "--help").expectExit(0);
      assertThat(Files.readString(Path.of("/etc/passwd"))).contains("\nstead:");
      assertThat(Files.isDirectory(Path.of("/var/lib/stead/master"))).isTrue();
      // BoringSSL for the master's TLS, on the launcher's classpath (lib/*).
      assertThat(Path.of("/usr/share/stead/lib"))
          .isDirectoryContaining("glob:**/netty-tcnative-boringssl-static-*-linux-x86_64.jar")
          .isDirectoryContaining("glob:**/netty-tcnative-classes-*.jar")
          .isDirectoryContaining("glob:**/netty-transport-native-epoll-*-linux-x86_64.jar");

      verifyUnits();
      runUnits(work);
      assertThat(CDS_ARCHIVE).as("dumped by the first one-shot run").isRegularFile();
      jdkUpdateReplacesArchives(work);
      reinstallKeepsEditedSettings(debs.get(0));
      lintian(debs);
    } finally {
      purge();
      FileTrees.delete(work);
    }

    assertThat(CDS_ARCHIVE.getParent()).as("the launcher's cache, after purge").doesNotExist();
    Set<String> after = filesystem();
    Set<String> added = difference(after, before);
    // Kept on purpose: the master's data (CA key) and agent state, and the `stead` user
    // owning them, whose creation leaves the shadow tools' backup files (passwd- etc.).
    added.removeIf(path -> path.equals("/var/lib/stead") || path.startsWith("/var/lib/stead/")
        || path.matches("/etc/(passwd|group|shadow|gshadow|subuid|subgid)-"));
    assertThat(added).as("left behind after purge").isEmpty();
    assertThat(difference(before, after)).as("gone after install and purge").isEmpty();
  }

  private static void requireRootAndDpkg() throws Exception {
    boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start()
        .getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    boolean dpkg = Files.isExecutable(Path.of("/usr/bin/dpkg"))
        && Files.isExecutable(Path.of("/usr/bin/apt-get"));
    String missing = !root ? "root" : !dpkg ? "dpkg and apt-get" : null;
    if (missing != null) {
      if (System.getenv("CI") != null) {
        fail("the package install test needs " + missing + " (CI is set: not skipping)");
      }
      Assumptions.abort("the package install test needs " + missing);
    }
  }

  private static List<Path> debs() throws IOException {
    try (Stream<Path> files = Files.list(PACKAGES)) {
      List<Path> debs = files.filter(p -> p.getFileName().toString().matches(
          "stead-(agent|master)_.*\\.deb")).sorted().toList();
      assertThat(debs).as("stead-agent and stead-master .debs in " + PACKAGES).hasSize(2);
      return debs;
    }
  }

  /** {@code systemd-analyze verify} needs no running systemd; it checks syntax and binaries. */
  private static void verifyUnits() throws Exception {
    List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
    UNIT_NAMES.forEach(name -> command.add(UNITS.resolve(name).toString()));
    Result verify = run(Duration.ofSeconds(60), command.toArray(String[]::new));
    assertThat(verify.output).as("systemd-analyze verify").doesNotContain("stead-");
    verify.expectExit(0);
  }

  /**
   * Runs each service's ExecStart as the unit would (the master as the {@code stead} user,
   * the agent as root, as their units say), pointed at temporary directories: a master, a
   * one-shot agent run that gets its certificate and converges, then the agent daemon.
   */
  private static void runUnits(Path work) throws Exception {
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = Files.createDirectories(work.resolve("master"));
    Path code = Files.createDirectories(work.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), SITE);
    run(Duration.ofSeconds(10), "chown", "-R", "stead:stead", data.toString(), code.toString())
        .expectExit(0);

    assertThat(unitValue("stead-master.service", "User")).isEqualTo("stead");
    List<String> master = new ArrayList<>(List.of("runuser", "-u", "stead", "--"));
    master.addAll(execStart("stead-master.service"));
    master.addAll(List.of("--data", data.toString(), "--code", code.toString(),
        "--listen", "127.0.0.1:0", "--autosign", "*.test"));
    Path masterLog = work.resolve("master.log");
    Set<String> nativeLibraries = nativeLibrariesInTmp();
    Process masterProcess = new ProcessBuilder(master).redirectErrorStream(true)
        .redirectOutput(masterLog.toFile()).start();
    try {
      String address = awaitFile(data.resolve("master.address"), masterProcess, masterLog);
      // The packaged master loads BoringSSL and the epoll transport as the stead user; Netty
      // unpacks each library into the temporary directory and deletes it once loaded.
      awaitLine(masterLog, "served by BoringSSL (available) over epoll (available)",
          masterProcess);
      assertThat(nativeLibrariesInTmp()).as("native libraries left in /tmp")
          .isEqualTo(nativeLibraries);
      Path root = Files.createDirectories(work.resolve("root/etc")).getParent();
      List<String> agentFlags = List.of("--server", address, "--certname", "pkg.test",
          "--trust-first-use", "--state", work.resolve("agent").toString(),
          "--root", root.toString(), "--facts-dir", work.resolve("facts.d").toString());

      List<String> once = new ArrayList<>(execStart("stead-agent-run.service"));
      once.addAll(agentFlags);
      Result first = run(Duration.ofSeconds(90), once.toArray(String[]::new));
      first.expectExit(2); // changed: the greeting is written
      assertThat(root.resolve("etc/greeting")).hasContent("installed from the package");

      List<String> daemon = new ArrayList<>(execStart("stead-agent.service"));
      daemon.addAll(agentFlags);
      daemon.addAll(List.of("--no-splay", "--no-watch"));
      Path daemonLog = work.resolve("daemon.log");
      Process daemonProcess = new ProcessBuilder(daemon).redirectErrorStream(true)
          .redirectOutput(daemonLog.toFile()).start();
      try {
        awaitLine(daemonLog, "run 1 ended (exit 0)", daemonProcess);
      } finally {
        daemonProcess.destroy(); // SIGTERM, as systemctl stop sends
        assertThat(daemonProcess.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(daemonProcess.exitValue()).as(Files.readString(daemonLog)).isZero();
    } finally {
      masterProcess.destroy();
      masterProcess.waitFor(60, TimeUnit.SECONDS);
      masterProcess.destroyForcibly();
    }
  }

  /**
   * Installing the same package again runs the maintainer scripts' upgrade path: an edited
   * settings file (a conffile) stays, the class-data archive of the old jars goes.
   */
  private static void reinstallKeepsEditedSettings(Path agentDeb) throws Exception {
    Path conf = Path.of("/etc/stead/agent.conf");
    Files.writeString(conf, Files.readString(conf) + "server = master.test:8140\n");
    run(Duration.ofMinutes(2), aptGet("install", "-y", "--reinstall",
        agentDeb.toAbsolutePath().toString())).expectExit(0);
    assertThat(Files.readString(conf)).endsWith("server = master.test:8140\n");
    assertThat(CDS_ARCHIVE).doesNotExist();
    assertThat(run(Duration.ofSeconds(30), "/usr/bin/stead", "config", "print", "agent")
        .expectExit(0).output).contains("server = master.test:8140  # " + conf + ":");
  }

  /**
   * A JDK update puts new files under /usr/lib/jvm, and the new JVM silently ignores the
   * archives the old one dumped. A package of our own that installs a file there activates
   * the packages' trigger as the JDK's would: the agent's archive goes (the next one-shot run
   * dumps it again) and the master's is trained again, by the JVM there is now.
   */
  private static void jdkUpdateReplacesArchives(Path work) throws Exception {
    long trainedBefore = Files.getLastModifiedTime(MASTER_CDS_ARCHIVE).toMillis();
    Path root = work.resolve("jdk-update");
    Files.createDirectories(root.resolve("DEBIAN"));
    Files.createDirectories(root.resolve("usr/lib/jvm"));
    Files.writeString(root.resolve("usr/lib/jvm/stead-test-jdk-update.txt"), "a JDK's file\n");
    Files.writeString(root.resolve("DEBIAN/control"), """
        Package: stead-test-jdk-update
        Version: 1.0
        Architecture: all
        Maintainer: Stead developers <stead@localhost>
        Description: stands in for a JDK update in Stead's package test
        """);
    Path deb = work.resolve("stead-test-jdk-update.deb");
    run(Duration.ofSeconds(30), "dpkg-deb", "--root-owner-group", "--build", root.toString(),
        deb.toString()).expectExit(0);
    // Removed by purge(), after Stead's packages: removing it first would train again.
    run(Duration.ofMinutes(2), aptGet("install", "-y", deb.toString())).expectExit(0);
    assertThat(CDS_ARCHIVE).as("the agent's archive after a JDK update").doesNotExist();
    assertThat(MASTER_CDS_ARCHIVE).as("the master's archive after a JDK update")
        .isRegularFile();
    assertThat(Files.getLastModifiedTime(MASTER_CDS_ARCHIVE).toMillis())
        .as("the master's archive trained again").isGreaterThan(trainedBefore);
    run(Duration.ofSeconds(30), "env", "STEAD_JAVA_OPTS=-Xshare:on", "/usr/bin/stead",
        "master", "--help").expectExit(0);
  }

  /** The unit's ExecStart as words (none of Stead's units quotes anything). */
  private static List<String> execStart(String unit) throws IOException {
    return Arrays.asList(unitValue(unit, "ExecStart").split("\\s+"));
  }

  private static String unitValue(String unit, String key) throws IOException {
    Matcher match = Pattern.compile("(?m)^" + key + "=(.*)$")
        .matcher(Files.readString(UNITS.resolve(unit)));
    assertThat(match.find()).as(key + " in " + unit).isTrue();
    return match.group(1).trim();
  }

  /** Lintian, where installed (CI installs it): no errors; the overrides say why. */
  private static void lintian(List<Path> debs) throws Exception {
    boolean installed = Files.isExecutable(Path.of("/usr/bin/lintian"));
    if (!installed) {
      assertThat(System.getenv("CI")).as("lintian is not installed (CI installs it)").isNull();
      return;
    }
    List<String> command = new ArrayList<>(List.of("lintian", "--fail-on", "error",
        "--allow-root"));
    debs.forEach(deb -> command.add(deb.toAbsolutePath().toString()));
    Result lint = run(Duration.ofMinutes(2), command.toArray(String[]::new));
    assertThat(lint.output).as("lintian").doesNotContainPattern("(?m)^E: ");
    lint.expectExit(0);
  }

  private static Set<String> nativeLibrariesInTmp() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("/tmp"))) {
      return files.map(path -> path.getFileName().toString())
          .filter(name -> name.contains("netty_tcnative") || name.contains("netty_transport"))
          .collect(Collectors.toSet());
    }
  }

  private static void purge() throws Exception {
    run(Duration.ofMinutes(2), aptGet("purge", "-y", "stead-master", "stead-agent"));
    // dpkg, not apt-get: apt refuses the whole command when it does not know a package.
    run(Duration.ofMinutes(1), "dpkg", "--purge", "stead-test-jdk-update");
  }

  private static String[] aptGet(String... args) {
    List<String> command = new ArrayList<>(List.of("apt-get", "-q",
        "-o", "DPkg::Lock::Timeout=120"));
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  /**
   * Every path on the root file system but for what changes on its own (kernel and runtime
   * file systems, temporary files, logs, apt's and dpkg's records, home directories) and the
   * build's own top-level directory.
   */
  private static Set<String> filesystem() throws Exception {
    List<String> command = new ArrayList<>(List.of("find", "/", "-xdev", "("));
    List<String> skip = new ArrayList<>(List.of("/proc", "/sys", "/dev", "/run", "/tmp",
        "/var/tmp", "/var/log", "/var/cache", "/var/lib/apt", "/var/lib/dpkg", "/root", "/home",
        "/var/lib/systemd/deb-systemd-helper-enabled"));
    // The build's tree and whatever shares its top-level directory (other checkouts, whose
    // builds may run meanwhile).
    Path repository = repositoryRoot();
    skip.add(repository.getRoot().resolve(repository.getName(0)).toString());
    skip.add(Path.of(System.getProperty("user.home")).toAbsolutePath().toString());
    for (String path : skip) {
      if (command.size() > 4) {
        command.add("-o");
      }
      command.addAll(List.of("-path", path));
    }
    command.addAll(List.of(")", "-prune", "-o", "-print"));
    Result find = run(Duration.ofMinutes(1), command.toArray(String[]::new));
    return new TreeSet<>(find.output.lines().collect(Collectors.toSet()));
  }

  private static Path repositoryRoot() {
    return PACKAGES.toAbsolutePath().normalize().getParent().getParent();
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> rest = new TreeSet<>(a);
    rest.removeAll(b);
    return rest;
  }

  private static String awaitFile(Path file, Process process, Path log) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (!Files.isRegularFile(file) || Files.size(file) == 0) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        fail("the master did not start:\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return Files.readString(file).trim();
  }

  private static void awaitLine(Path log, String text, Process process) throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    while (!Files.readString(log).contains(text)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        fail("no `" + text + "` in " + log + ":\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }

  private static Result run(Duration timeout, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Path out = Files.createTempFile("stead-package-test", ".out");
    try {
      Process process = builder.redirectOutput(out.toFile()).start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " took more than " + timeout + ":\n"
            + Files.readString(out));
      }
      return new Result(String.join(" ", command), process.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private record Result(String command, int exitCode, String output) {
    Result expectExit(int expected) {
      assertThat(exitCode).as(command + " exit code; output:\n" + output).isEqualTo(expected);
      return this;
    }
  }
}
