package dev.stead.agent.facts;

import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hardware and system facts beyond the basic set, under Facter's names, read from
 * {@code /proc}, {@code /sys} and the JVM only (no processes, no DNS):
 * {@code networking.interfaces}, {@code memory.system}/{@code memory.swap},
 * {@code mountpoints}, {@code disks}, {@code virtual}/{@code is_virtual},
 * {@code init_system}, {@code package_manager}, {@code system_uptime},
 * {@code reboot_required}. Paths are relative to a
 * file-system root so tests can feed a fake {@code /proc}. A fact that cannot be read is left
 * out. Stateless.
 */
public final class SystemFacts {
  /** File systems that hold no data of their own: left out of {@code mountpoints}. */
  private static final Set<String> PSEUDO = Set.of("proc", "sysfs", "devpts", "devtmpfs",
      "cgroup", "cgroup2", "mqueue", "securityfs", "debugfs", "tracefs", "pstore", "bpf",
      "hugetlbfs", "configfs", "fusectl", "autofs", "binfmt_misc", "nsfs", "rpc_pipefs",
      "efivarfs", "selinuxfs", "ramfs");
  /** Remote file systems: statvfs can hang on them, so their sizes are not asked. */
  private static final Set<String> REMOTE = Set.of("nfs", "nfs4", "cifs", "smb3", "fuse.sshfs",
      "9p", "ceph", "glusterfs");

  // Compiled once: String.split/matches with a regex compile it on every line.
  private static final Pattern MEMINFO_SEPARATOR = Pattern.compile("[:\\s]+");
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern HYPERVISOR = Pattern.compile(".*\\bhypervisor\\b.*");

  private final Path fsRoot;

  /** Reads {@code /proc} etc. under {@code fsRoot} ({@code /} for this machine). */
  public SystemFacts(Path fsRoot) {
    this.fsRoot = fsRoot;
  }

  private Path at(String absolute) {
    return fsRoot.resolve(absolute.substring(1));
  }

  /** Adds every fact it can read to {@code facts} (merging into an existing {@code memory}). */
  public void addTo(Map<String, Object> facts) {
    memory().ifPresent(m -> facts.put("memory", m));
    Map<String, Object> mounts = mountpoints();
    if (!mounts.isEmpty()) {
      facts.put("mountpoints", mounts);
    }
    Map<String, Object> disks = disks();
    if (!disks.isEmpty()) {
      facts.put("disks", disks);
    }
    String virtual = virtual();
    facts.put("virtual", virtual);
    facts.put("is_virtual", !virtual.equals("physical"));
    initSystem().ifPresent(v -> facts.put("init_system", v));
    packageManager().ifPresent(v -> facts.put("package_manager", v));
    uptime().ifPresent(v -> facts.put("system_uptime", v));
    facts.put("reboot_required", rebootRequired());
  }

  /**
   * Whether a package update asked for a reboot: Debian's and Ubuntu's package scripts
   * (libc, the kernel, systemd; unattended-upgrades reads the same) create
   * {@code /var/run/reboot-required}, which is {@code /run/reboot-required} where
   * {@code /var/run} is the usual link; a reboot clears it, as {@code /run} is a tmpfs.
   */
  boolean rebootRequired() {
    return Files.exists(at("/var/run/reboot-required")) || Files.exists(at("/run/reboot-required"));
  }

  /** {@code {name: {ip, ip6, mac, mtu, up}}} per interface, sorted by name. */
  public static Map<String, Object> interfaces() {
    Map<String, Object> out = new TreeMap<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        Map<String, Object> one = new LinkedHashMap<>();
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            v4.add(a.getHostAddress());
          } else if (a instanceof Inet6Address) {
            String s = a.getHostAddress();
            int scope = s.indexOf('%');
            v6.add(scope > 0 ? s.substring(0, scope) : s);
          }
        }
        if (!v4.isEmpty()) {
          one.put("ip", v4.get(0));
          one.put("bindings", v4);
        }
        if (!v6.isEmpty()) {
          one.put("ip6", v6.get(0));
          one.put("bindings6", v6);
        }
        byte[] mac = ni.getHardwareAddress();
        if (mac != null && mac.length > 0) {
          StringBuilder m = new StringBuilder();
          for (byte b : mac) {
            m.append(m.length() > 0 ? ":" : "").append(HexFormat.of().toHexDigits(b));
          }
          one.put("mac", m.toString());
        }
        one.put("mtu", ni.getMTU());
        one.put("up", ni.isUp());
        out.put(ni.getName(), one);
      }
    } catch (SocketException | NullPointerException e) {
      // no interfaces visible
    }
    return out;
  }

  Optional<Map<String, Object>> memory() {
    Map<String, Long> kb = new HashMap<>();
    for (String line : lines("/proc/meminfo")) {
      String[] w = MEMINFO_SEPARATOR.split(line);
      if (w.length >= 2 && DIGITS.matcher(w[1]).matches()) {
        kb.put(w[0], Long.parseLong(w[1]));
      }
    }
    if (!kb.containsKey("MemTotal")) {
      return Optional.empty();
    }
    long total = kb.get("MemTotal") * 1024;
    long available = kb.getOrDefault("MemAvailable", kb.getOrDefault("MemFree", 0L)) * 1024;
    Map<String, Object> system = new LinkedHashMap<>();
    system.put("total_bytes", total);
    system.put("available_bytes", available);
    system.put("used_bytes", total - available);
    Map<String, Object> memory = new LinkedHashMap<>();
    memory.put("system", system);
    if (kb.containsKey("SwapTotal")) {
      long swapTotal = kb.get("SwapTotal") * 1024;
      long swapFree = kb.getOrDefault("SwapFree", 0L) * 1024;
      Map<String, Object> swap = new LinkedHashMap<>();
      swap.put("total_bytes", swapTotal);
      swap.put("available_bytes", swapFree);
      swap.put("used_bytes", swapTotal - swapFree);
      memory.put("swap", swap);
    }
    return Optional.of(memory);
  }

  /** Local, real file systems from /proc/mounts with their sizes (remote ones without). */
  Map<String, Object> mountpoints() {
    Map<String, Object> out = new TreeMap<>();
    for (String line : lines("/proc/mounts")) {
      String[] w = line.split(" ");
      if (w.length < 4 || PSEUDO.contains(w[2])) {
        continue;
      }
      String mount = unescape(w[1]);
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("device", unescape(w[0]));
      one.put("filesystem", w[2]);
      one.put("options", List.of(w[3].split(",")));
      if (!REMOTE.contains(w[2])) {
        File f = at(mount.equals("/") ? "/" : mount).toFile();
        long size = f.getTotalSpace();
        if (size > 0) {
          long available = f.getUsableSpace();
          one.put("size_bytes", size);
          one.put("available_bytes", available);
          one.put("used_bytes", size - f.getFreeSpace());
        }
      }
      out.put(mount, one);
    }
    return out;
  }

  /** Block devices from /sys/block (not loop or ram devices): size and model. */
  Map<String, Object> disks() {
    Map<String, Object> out = new TreeMap<>();
    Path block = at("/sys/block");
    if (!Files.isDirectory(block)) {
      return out;
    }
    try (Stream<Path> devices = Files.list(block)) {
      for (Path d : devices.toList()) {
        String name = d.getFileName().toString();
        if (name.startsWith("loop") || name.startsWith("ram") || name.startsWith("zram")) {
          continue;
        }
        Map<String, Object> one = new LinkedHashMap<>();
        read(d.resolve("size")).filter(s -> DIGITS.matcher(s).matches())
            .ifPresent(s -> one.put("size_bytes", Long.parseLong(s) * 512));
        read(d.resolve("device/model")).ifPresent(s -> one.put("model", s));
        read(d.resolve("device/vendor")).ifPresent(s -> one.put("vendor", s));
        out.put(name, one);
      }
    } catch (IOException e) {
      // /sys not readable
    }
    return out;
  }

  /**
   * {@code docker}, {@code podman}, {@code lxc} or {@code kubernetes} for containers; for
   * virtual machines the hypervisor from DMI ({@code kvm}, {@code vmware}, {@code virtualbox},
   * {@code xenhvm}, {@code hyperv}), or {@code virtual} when only the CPU's hypervisor flag
   * tells; else {@code physical}.
   */
  String virtual() {
    if (Files.exists(at("/.dockerenv"))) {
      return "docker";
    }
    if (Files.exists(at("/run/.containerenv"))) {
      return "podman";
    }
    String cgroup = String.join("\n", lines("/proc/1/cgroup"));
    if (cgroup.contains("kubepods")) {
      return "kubernetes";
    }
    if (cgroup.contains("/docker")) {
      return "docker";
    }
    if (cgroup.contains("/lxc")) {
      return "lxc";
    }
    String dmi = (read(at("/sys/class/dmi/id/sys_vendor")).orElse("") + " "
        + read(at("/sys/class/dmi/id/product_name")).orElse("")).toLowerCase();
    if (dmi.contains("qemu") || dmi.contains("kvm")) {
      return "kvm";
    }
    if (dmi.contains("vmware")) {
      return "vmware";
    }
    if (dmi.contains("virtualbox") || dmi.contains("innotek")) {
      return "virtualbox";
    }
    if (dmi.contains("xen")) {
      return "xenhvm";
    }
    if (dmi.contains("microsoft")) {
      return "hyperv";
    }
    for (String line : lines("/proc/cpuinfo")) {
      if (line.startsWith("flags") && HYPERVISOR.matcher(line).matches()) {
        return "virtual";
      }
    }
    return "physical";
  }

  /** {@code systemd} when PID 1 is systemd, {@code sysvinit} for init, else PID 1's name. */
  Optional<String> initSystem() {
    return read(at("/proc/1/comm")).map(comm -> switch (comm) {
      case "systemd" -> "systemd";
      case "init" -> Files.exists(at("/run/systemd/system")) ? "systemd" : "sysvinit";
      default -> comm;
    });
  }

  /** The first package manager found: apt, dnf, yum, zypper, apk, pacman. */
  Optional<String> packageManager() {
    Map<String, String> probes = new LinkedHashMap<>();
    probes.put("apt", "/usr/bin/apt-get");
    probes.put("dnf", "/usr/bin/dnf");
    probes.put("yum", "/usr/bin/yum");
    probes.put("zypper", "/usr/bin/zypper");
    probes.put("apk", "/sbin/apk");
    probes.put("pacman", "/usr/bin/pacman");
    for (Map.Entry<String, String> p : probes.entrySet()) {
      if (Files.isExecutable(at(p.getValue()))) {
        return Optional.of(p.getKey());
      }
    }
    return Optional.empty();
  }

  /** {@code {seconds, hours, days, uptime: "3 days"}} from /proc/uptime. */
  Optional<Map<String, Object>> uptime() {
    return read(at("/proc/uptime")).flatMap(s -> {
      try {
        long seconds = (long) Double.parseDouble(WHITESPACE.split(s)[0]);
        Map<String, Object> up = new LinkedHashMap<>();
        up.put("seconds", seconds);
        up.put("hours", seconds / 3600);
        up.put("days", seconds / 86400);
        long days = seconds / 86400;
        up.put("uptime", days > 0 ? days + (days == 1 ? " day" : " days")
            : hoursAndMinutes(seconds));
        return Optional.of(up);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  /**
   * {@code String.format("%d:%02d hours", …)}, without booting Formatter and the locale data
   * where the default format locale surely writes ASCII digits (English or root, no numbering
   * system asked for); elsewhere as before.
   */
  private static String hoursAndMinutes(long seconds) {
    Locale format = Locale.getDefault(Locale.Category.FORMAT);
    if ((format.getLanguage().isEmpty() || format.getLanguage().equals("en"))
        && format.getUnicodeLocaleType("nu") == null) {
      long minutes = seconds % 3600 / 60;
      return seconds / 3600 + ":" + (minutes < 10 ? "0" : "") + minutes + " hours";
    }
    return String.format("%d:%02d hours", seconds / 3600, seconds % 3600 / 60);
  }

  /** /proc/mounts escapes space, tab, newline and backslash as octal. */
  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
        .replace("\\134", "\\");
  }

  private List<String> lines(String absolute) {
    try {
      return Files.readAllLines(at(absolute), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Optional<String> read(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
