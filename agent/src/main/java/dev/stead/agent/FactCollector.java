package dev.stead.agent;

import dev.stead.agent.facts.CustomFacts;
import dev.stead.agent.facts.ModuleFactsSync;
import dev.stead.agent.facts.OsRelease;
import dev.stead.agent.facts.SystemFacts;
import dev.stead.agent.facts.TimeZoneFact;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Value;
import dev.stead.proto.v1.ValueMap;
import dev.stead.wire.Values;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The basic facts of this machine under Facter's structured names: {@code os} ({@code family},
 * {@code name}, {@code release.full}, {@code release.major}), {@code kernel},
 * {@code kernelrelease}, {@code processors.count}, {@code memory.system.total_bytes},
 * {@code networking} ({@code hostname}, {@code fqdn}, {@code ip}), {@code identity.user},
 * {@code path}, {@code timezone}, plus {@code clientcert}; with {@link #collect(String, Path,
 * Consumer)} also the system facts and custom facts. Cheap by design: reads /proc and
 * /etc and asks the JVM; never starts a process (custom fact executables aside) and never
 * asks DNS. A fact that cannot be
 * read is left out rather than guessed. Stateless and thread-safe.
 */
public final class FactCollector {
  // Compiled once: String.split/replaceAll with a regex compile it on every line.
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern COMMENT = Pattern.compile("#.*");

  private FactCollector() {}

  public static Facts collect(String certname) {
    return collect(certname, null, w -> { });
  }

  /**
   * As {@link #collect(String)}, keeping what is slow to compute and cannot change while the
   * machine's configuration stays the same (the time zone's display name, see
   * {@link TimeZoneFact}) in {@code memoDir}. Same facts.
   */
  public static Facts collect(String certname, Path memoDir) {
    return collect(certname, null, w -> { }, memoDir);
  }

  /**
   * The basic facts, the system facts ({@link SystemFacts}) and the custom facts of
   * {@code factsDir} (null for none; see {@link CustomFacts}), which override facts of the
   * same name except {@code clientcert}. Trouble with a custom fact goes to {@code warn}.
   */
  public static Facts collect(String certname, Path factsDir, Consumer<String> warn) {
    return collect(certname, factsDir, warn, null);
  }

  /** As {@link #collect(String, Path, Consumer)}, keeping slow facts in {@code memoDir} as {@link #collect(String, Path)} does. */
  public static Facts collect(String certname, Path factsDir, Consumer<String> warn,
      Path memoDir) {
    return collect(certname, factsDir, null, warn, memoDir);
  }

  /** Where the agent keeps the custom facts its modules shipped, under {@code stateDir}. */
  public static Path moduleFactsDir(Path stateDir) {
    return ModuleFactsSync.in(stateDir);
  }

  /**
   * As {@link #collect(String, Path, Consumer, Path)}, with the custom facts modules ship
   * ({@link ModuleFactsSync}): each subdirectory of {@code moduleFactsDir} (null for none) is
   * read as a facts directory, in module name order, before {@code factsDir}, so the
   * machine's own custom facts win over a module's of the same name.
   */
  public static Facts collect(String certname, Path factsDir, Path moduleFactsDir,
      Consumer<String> warn, Path memoDir) {
    Map<String, Object> facts = basic(certname, memoDir);
    new SystemFacts(Path.of("/")).addTo(facts);
    @SuppressWarnings("unchecked")
    Map<String, Object> networking = (Map<String, Object>) facts.get("networking");
    networking.put("interfaces", SystemFacts.interfaces());
    Map<String, Object> custom = new LinkedHashMap<>();
    for (Path module : moduleDirs(moduleFactsDir, warn)) {
      custom.putAll(CustomFacts.load(module, CustomFacts.DEFAULT_TIMEOUT, warn));
    }
    custom.putAll(CustomFacts.load(factsDir, CustomFacts.DEFAULT_TIMEOUT, warn));
    custom.remove("clientcert");
    facts.putAll(custom);
    return Facts.newBuilder().putAllValues(Values.ofMap(facts)).build();
  }

  private static List<Path> moduleDirs(Path dir, Consumer<String> warn) {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
          && !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      warn.accept("cannot list the module facts directory " + dir + ": " + e.getMessage());
      return List.of();
    }
  }

  private static Map<String, Object> basic(String certname, Path memoDir) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("clientcert", certname);
    OsRelease os = OsRelease.read(Path.of("/etc/os-release"), Path.of("/etc/debian_version"));
    Map<String, Object> release = new LinkedHashMap<>();
    release.put("full", os.releaseFull());
    release.put("major", os.releaseMajor());
    facts.put("os", Map.of("family", os.family(), "name", os.name(), "release", release));
    facts.put("kernel", System.getProperty("os.name"));
    read("/proc/sys/kernel/osrelease").ifPresent(v -> facts.put("kernelrelease", v));
    facts.put("processors", Map.of("count", processorCount()));
    memTotal().ifPresent(v -> facts.put("memory", Map.of("system", Map.of("total_bytes", v))));
    String hostname = hostname();
    Map<String, Object> networking = new LinkedHashMap<>();
    networking.put("hostname", hostname);
    networking.put("fqdn", fqdn(hostname));
    primaryIp().ifPresent(ip -> networking.put("ip", ip));
    facts.put("networking", networking);
    facts.put("identity", Map.of("user", System.getProperty("user.name", "")));
    String path = System.getenv("PATH");
    if (path != null) {
      facts.put("path", path);
    }
    facts.put("timezone", TimeZoneFact.value(
        memoDir == null ? null : memoDir.resolve("timezone.memo")));
    return facts;
  }

  /** Facts whose values change from minute to minute on an idle machine. */
  private static final Set<String> VOLATILE_KEYS =
      Set.of("available_bytes", "used_bytes");

  /**
   * {@code facts} without the values that change by themselves ({@code system_uptime}, and
   * every {@code available_bytes}/{@code used_bytes} under {@code memory} and
   * {@code mountpoints}): what compile caches key on, so an idle node keeps hitting them.
   */
  public static Facts withoutVolatile(Facts facts) {
    Facts.Builder out = Facts.newBuilder();
    facts.getValuesMap().forEach((k, v) -> {
      if (!k.equals("system_uptime")) {
        out.putValues(k, stable(v));
      }
    });
    return out.build();
  }

  private static Value stable(Value v) {
    if (v.getKindCase() != Value.KindCase.MAP_VALUE) {
      return v;
    }
    ValueMap.Builder m = ValueMap.newBuilder();
    v.getMapValue().getEntriesMap().forEach((k, x) -> {
      if (!VOLATILE_KEYS.contains(k)) {
        m.putEntries(k, stable(x));
      }
    });
    return Value.newBuilder().setMapValue(m).build();
  }

  /** The default certname: the fully qualified host name, lower case. */
  public static String defaultCertname() {
    return fqdn(hostname()).toLowerCase(Locale.ROOT);
  }

  private static String hostname() {
    String full = read("/proc/sys/kernel/hostname").orElseGet(() -> {
      String env = System.getenv("HOSTNAME");
      return env == null ? "localhost" : env;
    });
    int dot = full.indexOf('.');
    return dot > 0 ? full.substring(0, dot) : full;
  }

  /**
   * hostname plus domain, found without DNS: the kernel's host name when it is qualified,
   * else the first qualified alias of the host name in /etc/hosts, else the domain from
   * /etc/resolv.conf, else the bare host name.
   */
  static String fqdn(String hostname) {
    String kernel = read("/proc/sys/kernel/hostname").orElse("");
    if (kernel.contains(".")) {
      return kernel;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/etc/hosts"), StandardCharsets.UTF_8)) {
        String[] words = WHITESPACE.split(COMMENT.matcher(line).replaceAll("").trim());
        for (int i = 1; i < words.length; i++) {
          if (words[i].startsWith(hostname + ".")) {
            return words[i];
          }
        }
      }
    } catch (IOException e) {
      // fall through to resolv.conf
    }
    try {
      for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"), StandardCharsets.UTF_8)) {
        String[] words = WHITESPACE.split(line.trim());
        if (words.length > 1 && (words[0].equals("domain") || words[0].equals("search"))
            && !words[1].equals(".")) {
          return hostname + "." + words[1];
        }
      }
    } catch (IOException e) {
      // no domain known
    }
    return hostname;
  }

  private static int processorCount() {
    try {
      long n = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("processor")).count();
      if (n > 0) {
        return (int) n;
      }
    } catch (IOException e) {
      // fall back to the JVM's view, which honours cgroup limits
    }
    return Runtime.getRuntime().availableProcessors();
  }

  private static Optional<Long> memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("MemTotal:")) {
          String[] words = WHITESPACE.split(line);
          return Optional.of(Long.parseLong(words[1]) * 1024L);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an odd /proc
    }
    return Optional.empty();
  }

  /** The first IPv4 address of the first interface that is up, not loopback, by index. */
  private static Optional<String> primaryIp() {
    try {
      List<NetworkInterface> interfaces = new ArrayList<>(
          Collections.list(NetworkInterface.getNetworkInterfaces()));
      interfaces.sort(Comparator.comparingInt(NetworkInterface::getIndex));
      for (NetworkInterface ni : interfaces) {
        if (!ni.isUp() || ni.isLoopback() || ni.isVirtual()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
            return Optional.of(a.getHostAddress());
          }
        }
      }
    } catch (SocketException | NullPointerException e) {
      // no interfaces visible
    }
    return Optional.empty();
  }

  private static Optional<String> read(String file) {
    try {
      String s = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
