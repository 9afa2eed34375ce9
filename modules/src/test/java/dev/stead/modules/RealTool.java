package dev.stead.modules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real checker (sshd -t, rsyslogd -N1) and answers its exit code and output. */
record RealTool(int exitCode, String output) {
  static RealTool run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish in 60 s");
    }
    return new RealTool(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "exit " + exitCode + ": " + output;
  }
}
