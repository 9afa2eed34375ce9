package dev.stead.agent.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** System facts from a fake /proc and /sys, and once from this machine. */
class SystemFactsTest {
  @TempDir Path fake;

  private void write(String path, String text) throws Exception {
    Path p = fake.resolve(path.substring(1));
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private Map<String, Object> facts() {
    Map<String, Object> f = new LinkedHashMap<>();
    new SystemFacts(fake).addTo(f);
    return f;
  }

  @Test
  void readsMemoryUptimeInitVirtualisationAndDisks() throws Exception {
    write("/proc/meminfo", "MemTotal:        2048 kB\nMemFree:          100 kB\n"
        + "MemAvailable:    1024 kB\nSwapTotal:        512 kB\nSwapFree:         256 kB\n");
    write("/proc/uptime", "200000.55 12345.00\n");
    write("/proc/1/comm", "systemd\n");
    write("/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n");
    write("/sys/block/vda/size", "2097152\n");
    write("/sys/block/loop0/size", "8\n");
    write("/proc/mounts", "/dev/vda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n"
        + "server:/x /mnt/my\\040share nfs4 rw 0 0\n");
    write("/usr/bin/apt-get", "");
    fake.resolve("usr/bin/apt-get").toFile().setExecutable(true);

    Map<String, Object> f = facts();
    assertThat(f.get("memory")).isEqualTo(Map.of(
        "system", Map.of("total_bytes", 2097152L, "available_bytes", 1048576L,
            "used_bytes", 1048576L),
        "swap", Map.of("total_bytes", 524288L, "available_bytes", 262144L,
            "used_bytes", 262144L)));
    assertThat(f.get("system_uptime")).isEqualTo(Map.of("seconds", 200000L, "hours", 55L,
        "days", 2L, "uptime", "2 days"));
    assertThat(f).containsEntry("init_system", "systemd").containsEntry("virtual", "virtual")
        .containsEntry("is_virtual", true).containsEntry("package_manager", "apt");
    assertThat(f.get("disks")).isEqualTo(Map.of("vda", Map.of("size_bytes", 1073741824L)));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> mounts = (Map<String, Map<String, Object>>) f.get("mountpoints");
    assertThat(mounts).containsOnlyKeys("/", "/mnt/my share");
    assertThat(mounts.get("/")).containsEntry("device", "/dev/vda1")
        .containsEntry("filesystem", "ext4").containsKey("size_bytes");
    assertThat(mounts.get("/mnt/my share")).containsEntry("filesystem", "nfs4")
        .doesNotContainKey("size_bytes");
  }

  @Test
  void containersAndPhysicalMachines() throws Exception {
    assertThat(facts()).containsEntry("virtual", "physical").containsEntry("is_virtual", false)
        .doesNotContainKeys("init_system", "memory", "system_uptime");
    write("/proc/1/comm", "init\n");
    assertThat(facts()).containsEntry("init_system", "sysvinit");
    write("/.dockerenv", "");
    assertThat(facts()).containsEntry("virtual", "docker");
  }

  @Test
  void rebootRequiredFollowsTheFileThePackageScriptsLeave() throws Exception {
    assertThat(facts()).containsEntry("reboot_required", false);
    write("/var/run/reboot-required", "*** System restart required ***\n");
    assertThat(facts()).containsEntry("reboot_required", true);
    Files.delete(fake.resolve("var/run/reboot-required"));
    write("/run/reboot-required", "");
    assertThat(facts()).containsEntry("reboot_required", true);
  }

  @Test
  void thisMachineHasTheBasics() {
    Map<String, Object> f = new LinkedHashMap<>();
    new SystemFacts(Path.of("/")).addTo(f);
    assertThat(f).containsKeys("memory", "mountpoints", "virtual", "system_uptime",
        "init_system");
    assertThat(f).containsEntry("reboot_required",
        Files.exists(Path.of("/var/run/reboot-required"))
            || Files.exists(Path.of("/run/reboot-required")));
    assertThat(SystemFacts.interfaces()).containsKey("lo");
  }
}
