package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --verbose} and {@code --debug} work on every command and change what is logged. */
class LogOptionsTest {
  /** A log line in the one format: ISO-8601 UTC time, level, message. */
  private static final Pattern DEBUG_LINE = Pattern.compile(
      "(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z DEBUG logging at (\\w+).*$");

  @TempDir Path tmp;

  @AfterEach
  void normalLoggingAgain() {
    LogSetup.install(LogSetup.Verbosity.NORMAL); // in-process runs share this JVM's logging
  }

  @Test
  void applyVerboseLogsSteadsDebugLines() throws Exception {
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/motd') { content 'hello\\n' }\n");
    Files.createDirectories(tmp.resolve("root/etc"));
    String[] apply = {"apply", manifest.toString(), "--root", tmp.resolve("root").toString(),
        "--state", tmp.resolve("state").toString(), "--certname", "apply.test"};

    InProcess quiet = InProcess.run(apply);
    assertThat(quiet.exitCode()).as(quiet.toString()).isEqualTo(2);
    assertThat(quiet.err()).doesNotContain(" DEBUG ");

    InProcess verbose = InProcess.run(with(apply, "--verbose"));
    assertThat(verbose.exitCode()).as(verbose.toString()).isZero();
    assertThat(DEBUG_LINE.matcher(verbose.err()).results().map(m -> m.group(1)))
        .containsExactly("verbose");
    assertThat(verbose.err()).doesNotContain("[dev.stead"); // logger names only with --debug
  }

  @Test
  void nodesDebugLogsWithLoggerNamesAndTheFailuresStackTrace() {
    String data = tmp.resolve("no-master").toString();
    InProcess plain = InProcess.run("nodes", "--data", data);
    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.err()).startsWith("stead nodes: ").doesNotContain(" DEBUG ")
        .doesNotContain("\tat ");

    InProcess debug = InProcess.run("nodes", "--debug", "--data", data);
    assertThat(debug.exitCode()).isEqualTo(1);
    assertThat(DEBUG_LINE.matcher(debug.err()).results().map(m -> m.group(1)))
        .containsExactly("debug");
    assertThat(debug.err()).contains("[dev.stead.cli.LogSetup]")
        .contains("stead nodes: ").contains("\tat dev.stead.");
  }

  @Test
  void theOptionsAreAcceptedOnAnyCommandAndBeforeTheSubcommandInARealProcess()
      throws Exception {
    Cli run = Cli.run("--debug", "ca", "list", "--data", tmp.resolve("no-master").toString());
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(DEBUG_LINE.matcher(run.output()).find()).as(run.toString()).isTrue();
    assertThat(run.output()).doesNotContain("Unknown option");
    assertThat(InProcess.run("operator", "--help").out()).contains("--verbose", "--debug");
  }

  @Test
  void linesLoggedByManyThreadsAtOnceArriveWholeAndEveryOne() throws Exception {
    LogSetup.install(LogSetup.Verbosity.NORMAL);
    Logger log = Logger.getLogger("dev.stead.cli.test.concurrent");
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, false, StandardCharsets.UTF_8));
    int threads = 8;
    int each = 400;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> logging = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        logging.add(pool.submit(() -> {
          go.await();
          for (int n = 0; n < each; n++) {
            log.info("served t=" + thread + " n=" + n + " " + "x".repeat(300));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : logging) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      System.setErr(before);
    }
    Pattern whole = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  "
        + "served t=(\\d+) n=(\\d+) x{300}");
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).allSatisfy(line -> assertThat(line).matches(whole));
    assertThat(lines.stream().map(line -> line.substring(line.indexOf("t="))).distinct())
        .hasSize(threads * each);
  }

  private static String[] with(String[] args, String extra) {
    String[] out = Arrays.copyOf(args, args.length + 1);
    out[args.length] = extra;
    return out;
  }
}
