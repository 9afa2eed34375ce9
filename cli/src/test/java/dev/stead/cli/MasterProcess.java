package dev.stead.cli;

import dev.stead.master.AdminClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;

/** A real {@code stead master start} child process for tests. */
final class MasterProcess implements AutoCloseable {
  final Path data;
  final String address;
  final int port;
  private final StepProcess process;

  private MasterProcess(Path data, String address, StepProcess process) {
    this.data = data;
    this.address = address;
    this.port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    this.process = process;
  }

  static MasterProcess start(Path data, Path code, String... extra) throws Exception {
    Files.createDirectories(data);
    Path log = data.resolveSibling(data.getFileName() + ".log");
    Files.deleteIfExists(data.resolve("master.address"));
    List<String> args = new ArrayList<>(List.of("master", "start", "--data", data.toString(),
        "--code", code.toString(), "--listen", "127.0.0.1:0"));
    args.addAll(List.of(extra));
    StepProcess process = StepProcess.startLogged(log, args.toArray(String[]::new));
    String address = Demo.awaitAddress(process, data.resolve("master.address"), log);
    return new MasterProcess(data, address, process);
  }

  /** A port free at this instant, for a listener the master is told to open. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Runs an admin command ({@code stead ARGS --data DATA}) against this master, in this JVM
   * (see {@link Cli#inThisJvm}); fails the test unless it exits 0.
   */
  Cli stead(String... args) throws Exception {
    Cli cli = steadMayFail(args);
    Assertions.assertThat(cli.exitCode()).as(cli.toString()).isZero();
    return cli;
  }

  /** As {@link #stead}, whatever its exit code: for what must be refused. */
  Cli steadMayFail(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data", data.toString()));
    return Cli.inThisJvm(all.toArray(String[]::new));
  }

  AdminClient admin() throws IOException {
    return AdminClient.connect(data, address);
  }

  /**
   * One run of a real agent for {@code certname} against this master (in this JVM, see
   * {@link Cli#run}), trusting its CA by fingerprint and enrolling on its first run.
   */
  Cli agentRunOnce(String certname, Path state, Path root) throws Exception {
    String fingerprint;
    try (AdminClient admin = admin()) {
      fingerprint = admin.caFingerprint();
    }
    return Cli.run("agent", "run", "--once", "--server", address, "--certname", certname,
        "--state", state.toString(), "--root", root.toString(), "--ca-fingerprint",
        fingerprint);
  }

  /** SIGKILL: the master dies at once, mid-request if need be. */
  void kill() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    while (process.isAlive()) {
      Thread.sleep(10);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.stop(30);
  }
}
