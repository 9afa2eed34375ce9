package dev.stead.agent.facts;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Site-specific facts from a {@code facts.d} directory, read in file-name order (a later file
 * wins on a repeated name):
 *
 * <ul>
 *   <li>{@code *.yaml}, {@code *.yml}, {@code *.json}: a mapping of fact names to values;</li>
 *   <li>{@code *.txt}: {@code name=value} lines;</li>
 *   <li>any other executable file: run with no arguments and a time limit; it prints a JSON
 *       object or {@code name=value} lines on stdout and exits 0.</li>
 * </ul>
 *
 * Anything else (hidden files, non-executable files of other kinds) is ignored. A file that
 * fails (bad syntax, non-zero exit, time limit, output over 1 MiB) is skipped with a warning
 * naming it, never failing the run. Values are strings, numbers, booleans, lists and maps.
 */
public final class CustomFacts {
  /** How long one executable fact may run. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_OUTPUT = 1 << 20;

  private CustomFacts() {}

  /** The facts in {@code dir} (none when it does not exist); trouble goes to {@code warn}. */
  public static Map<String, Object> load(Path dir, Duration timeout, Consumer<String> warn) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (dir == null || !Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = new ArrayList<>(list.sorted().toList());
    } catch (IOException e) {
      warn.accept("cannot list the facts directory " + dir + ": " + e.getMessage());
      return out;
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.startsWith(".") || !Files.isRegularFile(file)) {
        continue;
      }
      try {
        Map<String, Object> facts;
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
          facts = mapping(Files.readString(file, StandardCharsets.UTF_8), file);
        } else if (name.endsWith(".txt")) {
          facts = keyValues(Files.readString(file, StandardCharsets.UTF_8), file);
        } else if (Files.isExecutable(file)) {
          String output = run(file, timeout);
          facts = output.stripLeading().startsWith("{") ? mapping(output, file)
              : keyValues(output, file);
        } else {
          continue;
        }
        out.putAll(facts);
      } catch (IOException | IllegalArgumentException e) {
        warn.accept("custom facts " + file + " skipped: " + e.getMessage());
      }
    }
    return out;
  }

  private static Map<String, Object> mapping(String text, Path file) {
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst()
          .orElse("");
      throw new IllegalArgumentException("not valid YAML/JSON: " + why);
    }
    if (doc == null) {
      return Map.of();
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("expected a mapping of fact names to values, got a "
          + doc.getClass().getSimpleName());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
    return out;
  }

  /** YAML scalars other than string/number/boolean (dates, binary) become strings. */
  private static Object plain(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(CustomFacts::plain).toList();
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 64 ? b.longValue() : b.toString();
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    return String.valueOf(v);
  }

  private static Map<String, Object> keyValues(String text, Path file) {
    Map<String, Object> out = new LinkedHashMap<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("line " + n + " is not name=value: " + s);
      }
      out.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
    }
    return out;
  }

  private static String run(Path file, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(file.toString())
        .directory(file.getParent().toFile())
        .redirectErrorStream(false)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        byte[] chunk = new byte[8192];
        int r;
        while ((r = in.read(chunk)) > 0) {
          synchronized (buffer) {
            if (buffer.size() < MAX_OUTPUT + 1) {
              buffer.write(chunk, 0, r);
            }
          }
        }
      } catch (IOException e) {
        // the process went away; what was read counts
      }
    }, "stead-fact-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException("did not finish within " + timeout.toSeconds() + " s (killed)");
      }
      reader.join(1000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (p.exitValue() != 0) {
      throw new IOException("exited with status " + p.exitValue());
    }
    synchronized (buffer) {
      if (buffer.size() > MAX_OUTPUT) {
        throw new IOException("printed more than 1 MiB");
      }
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }
}
