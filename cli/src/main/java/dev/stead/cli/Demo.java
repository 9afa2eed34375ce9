package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.Report;
import dev.stead.wire.StatusWords;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code stead demo}: a real master process and real agent processes on this machine, in a
 * wiped directory under {@code target/}. Each step says what it does; any surprise fails
 * the demo with exit 1.
 */
final class Demo {
  static final String NODE = "demo-node.stead.test";
  static final String TAMPERED = "/etc/stead-demo/app.conf";
  private static final String MESSAGE = "Hello from the Stead demo";
  private static final String NEW_MESSAGE = "Hello again: the code changed";
  private static final int STEPS = 8;

  private final Path home;
  private final Path dir;
  private final PrintStream out;
  private int step;

  Demo(Path home, PrintStream out) {
    this.home = home;
    this.dir = home.resolve("target").resolve("demo");
    this.out = out;
  }

  int run() throws Exception {
    long started = System.nanoTime();
    out.println("stead demo: master, agent, a converge and a drift report, on this machine");
    Path masterData = dir.resolve("master");
    Path agentState = dir.resolve("agent");
    Path root = dir.resolve("root");
    Path code = dir.resolve("code");
    List<Report> reports = List.of();

    step("Preparing a fresh demo directory " + home.relativize(dir)
        + " (code, master data, agent state, sandbox root)");
    wipe(dir);
    Files.createDirectories(code);
    // A sandbox root looks like a fresh machine: /etc exists, nothing Stead manages does.
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(code.resolve("site.groovy"), demoSite());
    out.println("      code: " + home.relativize(code) + "/site.groovy, modules from "
        + home.relativize(home.resolve("modules")) + "/");

    step("Starting the master: embedded RocksDB and a new Bouncy Castle CA on 127.0.0.1");
    Path log = dir.resolve("master.log");
    StepProcess master = StepProcess.startLogged(log, "master", "start",
        "--data", masterData.toString(), "--code", code.toString(),
        "--modulepath", home.resolve("modules").toString(), "--listen", "127.0.0.1:0");
    try {
      String address = awaitAddress(master, masterData.resolve("master.address"), log);
      try (AdminClient admin = AdminClient.connect(masterData, address)) {
        String fingerprint = admin.caFingerprint();
        out.println("      master pid " + master.pid() + " listening on " + address
            + "; log: " + home.relativize(log));
        out.println("      CA fingerprint " + fingerprint);
        String[] agent = {"agent", "run", "--once", "--server", address, "--certname", NODE,
            "--state", agentState.toString(), "--root", root.toString(),
            "--ca-fingerprint", fingerprint};

        step("Agent run 1: new key and CSR, certificate signed, catalog fetched, sandbox root "
            + home.relativize(root) + " converged");
        StepProcess first = StepProcess.startEchoed(out, "      | ",
            concat(agent, "--wait-for-cert", "60"));
        signWhenPending(admin, first);
        expect("run 1", first.await(120), 2);

        step("Agent run 2: nothing changed, so nothing to do");
        expect("run 2", StepProcess.startEchoed(out, "      | ", agent).await(120), 0);

        step("Changing the code (site.groovy: a new motd message) and tampering with "
            + TAMPERED + " behind the agent's back");
        Files.writeString(code.resolve("site.groovy"), demoSite().replace(MESSAGE, NEW_MESSAGE));
        Path tampered = root.resolve(TAMPERED.substring(1));
        Files.writeString(tampered, "# edited by hand at 3am\nsetting = off\n");
        out.println("      edited " + home.relativize(code.resolve("site.groovy")) + " and "
            + home.relativize(tampered));

        step("Agent run 3: the code change is an intended change, the edited file is drift");
        expect("run 3", StepProcess.startEchoed(out, "      | ", agent).await(120), 2);

        step("What the master recorded (stead reports --node " + NODE + ")");
        reports = new FleetClient(admin).latest(NODE, 3);
        // Resources and properties are different units: say which count is which.
        for (Report report : reports) {
          out.printf("      report %s  %s  %-9s %d resources: %d changed, %d failed; "
                  + "properties: %d drift, %d intended%n",
              Tables.id(report.getId(), false), Tables.time(report.getStartedAtMs()),
              StatusWords.of(report), report.getSummary().getResources(),
              report.getSummary().getChanged(), report.getSummary().getFailed(),
              report.getSummary().getDriftEvents(), report.getSummary().getIntendedEvents());
        }
        checkLastReport(reports);
      }
    } finally {
      step("Stopping the master (SIGTERM: gRPC drained, RocksDB closed)");
      master.stop(30);
      out.println("      master stopped");
    }
    out.printf("stead demo: done in %.1f s. Everything is in %s%n",
        (System.nanoTime() - started) / 1e9, home.relativize(dir));
    // The master holds the reports; it is stopped now, so say how to ask it again.
    Path data = home.relativize(masterData);
    out.println("To read a report in full, start the demo's master again and open it:");
    out.println("  stead master start --data " + data + " --code " + home.relativize(code)
        + " --listen 127.0.0.1:0 &");
    out.println("  stead report " + Tables.id(reports.get(0).getId(), false) + " --data " + data);
    return 0;
  }

  private void step(String what) {
    step++;
    out.println("[" + step + "/" + STEPS + "] " + what);
  }

  private static String demoSite() throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream("demo/site.groovy")) {
      if (in == null) {
        throw new IllegalStateException("the demo environment is missing from the launcher jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String awaitAddress(StepProcess master, Path addressFile, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(addressFile)) {
        String address = Files.readString(addressFile).trim();
        if (!address.isEmpty()) {
          return address;
        }
      }
      if (!master.isAlive()) {
        throw new IllegalStateException("the master exited during start-up:\n"
            + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the master did not start within 60 s; see " + log);
  }

  /** Plays the operator: signs the agent's CSR as soon as it shows up as pending. */
  private void signWhenPending(AdminClient admin, StepProcess agent)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (agent.isAlive() && System.nanoTime() < deadline) {
      for (CertificateInfo cert : admin.certificates()) {
        if (cert.getCertname().equals(NODE) && cert.getState() == CertificateState.PENDING) {
          CertificateInfo signed = admin.sign(NODE);
          out.println("      operator: stead ca sign " + NODE + " -> " + signed.getFingerprint());
          return;
        }
      }
      Thread.sleep(200);
    }
  }

  private static void expect(String run, int actual, int expected) {
    if (actual != expected) {
      throw new IllegalStateException("demo " + run + ": the agent exited " + actual
          + ", expected " + expected);
    }
  }

  private static void checkLastReport(List<Report> reports) {
    if (reports.isEmpty()) {
      throw new IllegalStateException("demo: the master has no report from " + NODE);
    }
    Report last = reports.get(0);
    if (last.getSummary().getDriftEvents() < 1 || last.getSummary().getIntendedEvents() < 1) {
      throw new IllegalStateException("demo: the last report should hold an intended change "
          + "and a drift repair, but has " + last.getSummary());
    }
  }

  private static String[] concat(String[] head, String... tail) {
    return Stream.concat(Stream.of(head), Stream.of(tail)).toArray(String[]::new);
  }

  private static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
