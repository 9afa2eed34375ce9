package dev.stead.master.ca;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Autosigns when an operator's executable says so: it runs with the certname as its only
 * argument and the CSR PEM on stdin, and exit code 0 means sign. Anything else — another
 * exit code, a crash, no answer within the timeout (the process is then killed) — means the
 * request waits for an operator. Its output is discarded (its stderr's first line is logged
 * on refusal). Immutable; safe to call concurrently.
 */
public final class CommandAutosign implements AutosignPolicy {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = Logger.getLogger(CommandAutosign.class.getName());
  private final Path executable;
  private final Duration timeout;

  private CommandAutosign(Path executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  /** @throws IOException when {@code executable} is not an executable file */
  public static CommandAutosign of(Path executable, Duration timeout) throws IOException {
    Path absolute = executable.toAbsolutePath();
    if (!Files.isRegularFile(absolute) || !Files.isExecutable(absolute)) {
      throw new IOException("autosign command " + absolute + " is not an executable file");
    }
    return new CommandAutosign(absolute, timeout);
  }

  @Override
  public boolean allows(ValidatedCsr csr) {
    Process process;
    try {
      // The certname passed CsrValidator: [a-z0-9.-] only, safe as an argument.
      process = new ProcessBuilder(List.of(executable.toString(), csr.certname()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      LOG.warning("autosign command " + executable + " cannot run: " + e.getMessage());
      return false;
    }
    try {
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(csr.pem().getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // The command may exit without reading its input; its exit code still decides.
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        LOG.warning("autosign command " + executable + " did not decide on '"
            + csr.certname() + "' within " + timeout.toSeconds() + " s; killed, not signing");
        return false;
      }
      int exit = process.exitValue();
      if (exit != 0) {
        String why = firstLine(process);
        LOG.info(() -> "autosign command refused '" + csr.certname() + "' (exit " + exit
            + (why.isEmpty() ? "" : ": " + why) + ")");
      }
      return exit == 0;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String firstLine(Process process) {
    try {
      byte[] bytes = process.getErrorStream().readNBytes(200);
      return new String(bytes, StandardCharsets.UTF_8).lines().findFirst().orElse("")
          .replaceAll("\\p{Cntrl}", "?");
    } catch (IOException e) {
      return "";
    }
  }
}
